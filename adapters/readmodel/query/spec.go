package query

import (
	"fmt"
	"slices"
	"strings"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Merge validates next and folds it into prev, the spec declared so far (the
// zero value if none), returning the union: fields and indexes are only ever
// added, so declaring again is idempotent and re-declaring after an upgrade
// extends the collection. Redeclaring a field with another type is a
// domain.KindConflict error, because stored indexes and cursors depend on it.
func Merge(prev, next application.CollectionSpec) (application.CollectionSpec, error) {
	if errs := checkSpec(next, prev); len(errs) > 0 {
		return prev, domain.Invalid("invalid collection spec", errs...)
	}
	if prev.Name != "" && prev.Name != next.Name {
		return prev, fmt.Errorf("merging spec %q into %q", next.Name, prev.Name)
	}
	out := application.CollectionSpec{
		Name:    next.Name,
		Fields:  slices.Clone(prev.Fields),
		Indexes: slices.Clone(prev.Indexes),
	}
	for _, f := range next.Fields {
		old, ok := out.Field(f.Name)
		switch {
		case !ok:
			out.Fields = append(out.Fields, f)
		case old.Type != f.Type:
			return prev, domain.Errorf(domain.KindConflict, "field_type_changed",
				"field %s.%s is declared as %s, cannot redeclare it as %s",
				next.Name, f.Name, old.Type, f.Type)
		}
	}
	for _, ix := range next.Indexes {
		if !slices.ContainsFunc(out.Indexes, func(have []string) bool { return slices.Equal(have, ix) }) {
			out.Indexes = append(out.Indexes, slices.Clone(ix))
		}
	}
	return out, nil
}

// checkSpec lists everything wrong with a spec: names, types, duplicate
// fields, and indexes over repeated fields or fields declared neither in s
// nor in prev.
func checkSpec(s, prev application.CollectionSpec) []domain.FieldError {
	var errs []domain.FieldError
	bad := func(detail string, ptr ...string) {
		errs = append(errs, domain.FieldError{Pointer: domain.Pointer(ptr...), Detail: detail})
	}
	if !ValidCollection(s.Name) {
		bad("must match "+namePattern.String(), "name")
	}
	seen := map[string]bool{}
	for i, f := range s.Fields {
		at := fmt.Sprint(i)
		switch {
		case !ValidName(f.Name):
			bad("must match "+namePattern.String(), "fields", at, "name")
		case seen[f.Name]:
			bad("declared twice", "fields", at, "name")
		}
		seen[f.Name] = true
		if f.Type != application.String && f.Type != application.Number && f.Type != application.Bool {
			bad("must be string, number or bool", "fields", at, "type")
		}
	}
	for i, ix := range s.Indexes {
		if len(ix) == 0 {
			bad("an index needs at least one field", "indexes", fmt.Sprint(i))
		}
		for j, entry := range ix {
			name, _ := IndexField(entry)
			_, declaredBefore := prev.Field(name)
			switch {
			case !seen[name] && !declaredBefore:
				bad("not a declared field", "indexes", fmt.Sprint(i), fmt.Sprint(j))
			case slices.IndexFunc(ix, func(e string) bool { f, _ := IndexField(e); return f == name }) != j:
				bad("repeated in the index", "indexes", fmt.Sprint(i), fmt.Sprint(j))
			}
		}
	}
	return errs
}

// IndexField reads one entry of a declared index: a field name, with a
// leading '-' for a descending column. An index serves a sort that
// matches its columns' directions or reverses all of them, so a mixed
// sort such as "group,-score" needs the index {"group", "-score"}.
func IndexField(entry string) (name string, desc bool) {
	name, desc = strings.CutPrefix(entry, "-")
	return name, desc
}
