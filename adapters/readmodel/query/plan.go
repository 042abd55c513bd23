package query

import (
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Page size bounds: Limit <= 0 means DefaultLimit, larger than MaxLimit is
// clamped, so one query can never pull a whole collection into memory.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// MaxInValues bounds the Values of an In filter, keeping the bound
// parameters of one SQL statement far below SQLite's limit.
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
// reported at once in one domain.KindInvalid error, with pointers such as
// "/filter/<field>", "/sort/<field>" and "/cursor".
func Compile(spec application.CollectionSpec, q application.Query) (Plan, error) {
	p := Plan{Limit: q.Limit}
	conds, errs := conds(spec, q.Filters)
	p.Conds = conds
	for _, s := range q.Sort {
		f, ok := spec.Field(s.Field)
		if !ok {
			errs = append(errs, domain.FieldError{Pointer: Pointer("sort", s.Field), Detail: "not a declared field"})
			continue
		}
		p.Sort = append(p.Sort, Key{Field: f, Desc: s.Desc})
	}
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

// Conds validates filters alone, for Count.
func Conds(spec application.CollectionSpec, filters []application.Filter) ([]Cond, error) {
	cs, errs := conds(spec, filters)
	if len(errs) > 0 {
		return nil, domain.Invalid("invalid filter", errs...)
	}
	return cs, nil
}

func conds(spec application.CollectionSpec, filters []application.Filter) ([]Cond, []domain.FieldError) {
	var out []Cond
	var errs []domain.FieldError
	for _, f := range filters {
		c, detail := cond(spec, f)
		if detail != "" {
			errs = append(errs, domain.FieldError{Pointer: Pointer("filter", f.Field), Detail: detail})
			continue
		}
		out = append(out, c)
	}
	return out, errs
}
