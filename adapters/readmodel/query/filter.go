package query

import (
	"fmt"
	"strings"

	"github.com/webos-engine/webos/application"
)

// cond validates one filter, returning why it is invalid as a non-empty
// detail.
func cond(spec application.CollectionSpec, f application.Filter) (Cond, string) {
	field, ok := spec.Field(f.Field)
	if !ok {
		return Cond{}, "not a declared field"
	}
	c := Cond{Field: field, Op: f.Op}
	switch f.Op {
	case application.Eq:
	case application.Gt, application.Gte, application.Lt, application.Lte:
		if field.Type == application.Bool {
			return Cond{}, fmt.Sprintf("%s does not apply to a bool field", f.Op)
		}
	case application.Prefix:
		if field.Type != application.String {
			return Cond{}, "prefix applies to string fields only"
		}
	case application.In:
		if f.Value != nil {
			return Cond{}, "in takes Values, not Value"
		}
		if len(f.Values) > MaxInValues {
			return Cond{}, fmt.Sprintf("in takes at most %d values", MaxInValues)
		}
		c.Values = make([]any, 0, len(f.Values))
		for _, v := range f.Values {
			n, ok := Normalize(field.Type, v)
			if !ok {
				return Cond{}, fmt.Sprintf("value %v (%T) is not a %s", v, v, field.Type)
			}
			c.Values = append(c.Values, n)
		}
		return c, ""
	default:
		return Cond{}, fmt.Sprintf("unknown operator %q", f.Op)
	}
	if len(f.Values) > 0 {
		return Cond{}, fmt.Sprintf("%s takes Value, not Values", f.Op)
	}
	n, ok := Normalize(field.Type, f.Value)
	if !ok {
		return Cond{}, fmt.Sprintf("value %v (%T) is not a %s", f.Value, f.Value, field.Type)
	}
	c.Values = []any{n}
	return c, ""
}

// Match reports whether the normalised field value v satisfies c. A nil
// value (missing, null or mistyped) matches nothing, as NULL does in SQL.
func (c Cond) Match(v any) bool {
	if v == nil {
		return false
	}
	switch c.Op {
	case application.In:
		for _, w := range c.Values {
			if Compare(v, w) == 0 {
				return true
			}
		}
		return false
	case application.Prefix:
		return strings.HasPrefix(v.(string), c.Values[0].(string))
	}
	d := Compare(v, c.Values[0])
	switch c.Op {
	case application.Eq:
		return d == 0
	case application.Gt:
		return d > 0
	case application.Gte:
		return d >= 0
	case application.Lt:
		return d < 0
	case application.Lte:
		return d <= 0
	}
	return false
}

// Matches reports whether the decoded document fields satisfy every one of
// conds.
func Matches(fields map[string]any, conds []Cond) bool {
	for _, c := range conds {
		if !c.Match(Extract(fields, c.Field)) {
			return false
		}
	}
	return true
}
