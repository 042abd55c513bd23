package query

import (
	"fmt"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Page size bounds: Limit <= 0 means DefaultLimit, larger than MaxLimit is
// clamped, so one query can never pull a whole collection into memory.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// MaxSortKeys bounds the sort keys of a query. Each key adds a branch to
// the keyset condition of a cursor, whose SQL grows with the square of the
// key count, and no list view needs more.
const MaxSortKeys = 4

// MaxCursorLen bounds the length of an encoded cursor, so a forged one
// costs a bounded decode. A cursor holds at most MaxSortKeys values and an
// id; sort fields are short values (names, times, numbers), and a page
// whose last row holds sort values too long for this yields a cursor that
// is refused with a clear error rather than a truncated one.
const MaxCursorLen = 4096

// MaxInValues bounds the Values of an In filter, and the operands of all
// filters together, keeping the bound parameters of one SQL statement far
// below SQLite's limit (32,766) however many fields a view has.
const MaxInValues = 1000

// Cond is a validated filter: its field's spec and its operand(s) already
// normalised to the field's Go type (one for every op but In).
type Cond struct {
	Field  application.FieldSpec
	Op     application.Op
	Values []any
}

// Key is a validated sort key.
type Key struct {
	Field application.FieldSpec
	Desc  bool
}

// Plan is a validated, normalised Query: what an adapter executes.
type Plan struct {
	Conds []Cond
	Sort  []Key
	Limit int
	// After is the decoded cursor: only rows ordered after it qualify. Nil
	// on the first page.
	After *Cursor
}

// Compile validates q against spec and normalises it. Every problem is
// reported at once in one domain.KindInvalid error, with the pointers
// "/filter/<field>", "/sort" and "/cursor".
func Compile(spec application.CollectionSpec, q application.Query) (Plan, error) {
	p := Plan{Limit: q.Limit}
	conds, errs := conds(spec, q.Filters)
	p.Conds = conds
	p.Sort, errs = sortKeys(spec, q.Sort, errs)
	if p.Limit <= 0 {
		p.Limit = DefaultLimit
	}
	p.Limit = min(p.Limit, MaxLimit)
	if q.Cursor != "" && len(errs) == 0 {
		c, err := decodeCursor(q.Cursor, p.Sort)
		if err != nil {
			errs = append(errs, domain.FieldError{Pointer: "/cursor", Detail: err.Error()})
		}
		p.After = c
	}
	if len(errs) > 0 {
		return Plan{}, domain.Invalid("invalid query", errs...)
	}
	return p, nil
}

// sortKeys validates the sort: declared fields, each at most once (a
// repeated key is refused, not dropped: "-a,a" has no meaning to keep),
// and at most MaxSortKeys of them. Problems point at "/sort".
func sortKeys(spec application.CollectionSpec, sort []application.SortKey, errs []domain.FieldError) ([]Key, []domain.FieldError) {
	bad := func(format string, args ...any) {
		errs = append(errs, domain.FieldError{Pointer: "/sort", Detail: fmt.Sprintf(format, args...)})
	}
	if len(sort) > MaxSortKeys {
		bad("at most %d sort keys, got %d", MaxSortKeys, len(sort))
		return nil, errs
	}
	var keys []Key
	for i, s := range sort {
		f, ok := spec.Field(s.Field)
		switch {
		case !ok:
			bad("%q is not a declared field", s.Field)
		case slices.ContainsFunc(sort[:i], func(o application.SortKey) bool { return o.Field == s.Field }):
			bad("%q is sorted on twice", s.Field)
		default:
			keys = append(keys, Key{Field: f, Desc: s.Desc})
		}
	}
	return keys, errs
}

// Conds validates filters alone, for Count.
func Conds(spec application.CollectionSpec, filters []application.Filter) ([]Cond, error) {
	cs, errs := conds(spec, filters)
	if len(errs) > 0 {
		return nil, domain.Invalid("invalid filter", errs...)
	}
	return cs, nil
}

func conds(spec application.CollectionSpec, filters []application.Filter) ([]Cond, []domain.FieldError) {
	out := make([]Cond, 0, len(filters))
	var errs []domain.FieldError
	operands := 0
	for _, f := range filters {
		c, detail := cond(spec, f)
		if operands += len(c.Values); detail == "" && operands > MaxInValues {
			detail = fmt.Sprintf("the filters take at most %d values in all", MaxInValues)
		}
		if detail != "" {
			errs = append(errs, domain.FieldError{Pointer: domain.Pointer("filter", f.Field), Detail: detail})
			continue
		}
		out = append(out, c)
	}
	return out, errs
}
