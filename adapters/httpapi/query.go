package httpapi

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"

	"github.com/webos-engine/webos/domain"
)

// params is a query string where every parameter appears at most once,
// in sorted order so that problems list them deterministically.
type params struct {
	keys   []string
	values url.Values
}

// parseParams reads rawQuery strictly: a malformed escape is an error
// rather than a silently dropped parameter, and a repeated parameter is
// reported (filter[x]=a&filter[x]=b would otherwise match nothing; in
// filters exist for that).
func parseParams(rawQuery string) (params, []domain.FieldError, error) {
	values, err := url.ParseQuery(rawQuery)
	if err != nil {
		return params{}, nil, domain.Invalid("the query string is malformed: " + err.Error())
	}
	var bad []domain.FieldError
	p := params{values: values}
	for k, vs := range values {
		if len(vs) > 1 {
			bad = append(bad, domain.FieldError{Pointer: k, Detail: "given more than once"})
			continue
		}
		p.keys = append(p.keys, k)
	}
	slices.Sort(p.keys)
	slices.SortFunc(bad, func(a, b domain.FieldError) int { return cmp.Compare(a.Pointer, b.Pointer) })
	return p, bad, nil
}

// get returns the value of key.
func (p params) get(key string) string { return p.values.Get(key) }

// boundedInt parses a whole number from lo to hi.
func boundedInt(s string, lo, hi int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= lo && n <= hi
}

// invalidParams is the problem for bad query parameters; pointers name the
// parameters as sent.
func invalidParams(bad []domain.FieldError) error {
	return domain.Invalid("the query parameters are invalid", bad...)
}

// fieldError points at the query parameter key.
func fieldError(key string, err error) domain.FieldError {
	return domain.FieldError{Pointer: key, Detail: err.Error()}
}
