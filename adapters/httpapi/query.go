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
		return params{}, nil, invalidParams([]domain.FieldError{{Pointer: queryRoot, Detail: "malformed: " + err.Error()}})
	}
	var bad []domain.FieldError
	p := params{values: values}
	for k, vs := range values {
		if len(vs) > 1 {
			bad = append(bad, domain.FieldError{Pointer: queryPointer(k), Detail: "given more than once"})
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

// invalidParams is the problem for bad query parameters: every one, of
// every endpoint, is a 400 with code "invalid", this message, and one
// field error per parameter at queryPointer of its name.
func invalidParams(bad []domain.FieldError) error {
	return domain.Invalid("the query parameters are invalid", bad...)
}

// queryRoot, domain.Pointer("query"), is the pointer to the query string as a whole, for a string
// too malformed to name a parameter.
const queryRoot = "/query"

// queryPointer is where a problem points for the query parameter key: the
// JSON pointer /query/<key>, with the name as sent ("/query/sort",
// "/query/filter[sku][gte]"), escaped per RFC 6901. Body fields are
// pointers from the root ("/quantity"), so the two never collide.
func queryPointer(key string) string {
	return domain.Pointer("query", key)
}

// fieldError points at the query parameter key.
func fieldError(key string, err error) domain.FieldError {
	return domain.FieldError{Pointer: queryPointer(key), Detail: err.Error()}
}
