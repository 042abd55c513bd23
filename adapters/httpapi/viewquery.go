package httpapi

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/webos-engine/webos/application"
)

// maxViewLimit caps a page so one request cannot read a whole collection.
const maxViewLimit = 1000

// filterParam matches filter[field] and filter[field][op].
var filterParam = regexp.MustCompile(`^filter\[([^\[\]]+)\](?:\[([^\[\]]*)\])?$`)

// parseViewQuery turns a view's query string into an application.Query,
// typing every value by the field's declared type, and returns the
// parameter names too, for storeQueryError. It reports all bad parameters
// at once.
func parseViewQuery(rawQuery string, spec application.CollectionSpec) (application.Query, []string, error) {
	p, bad, err := parseParams(rawQuery)
	if err != nil {
		return application.Query{}, nil, err
	}
	var q application.Query
	for _, key := range p.keys {
		val := p.get(key)
		var err error
		switch {
		case key == "sort":
			q.Sort, err = parseSort(val, spec)
		case key == "limit":
			var ok bool
			if q.Limit, ok = boundedInt(val, 1, maxViewLimit); !ok {
				err = fmt.Errorf("must be a whole number from 1 to %d", maxViewLimit)
			}
		case key == minPositionParam: // waited for by view()
			_, err = parsePosition(val)
		case key == "cursor":
			// Opaque to us: the store that issued it judges it.
			q.Cursor = val
		case strings.HasPrefix(key, "filter["):
			var f application.Filter
			if f, err = parseFilter(key, val, spec); err == nil {
				q.Filters = append(q.Filters, f)
			}
		default:
			err = errors.New("unknown query parameter; use filter[field], filter[field][op], sort, limit, cursor or minPosition")
		}
		if err != nil {
			bad = append(bad, fieldError(key, err))
		}
	}
	if len(bad) > 0 {
		return application.Query{}, nil, invalidParams(bad)
	}
	return q, p.keys, nil
}

// parseSort reads "-field,other": a leading '-' sorts descending.
func parseSort(val string, spec application.CollectionSpec) ([]application.SortKey, error) {
	var keys []application.SortKey
	for part := range strings.SplitSeq(val, ",") {
		name, desc := strings.CutPrefix(part, "-")
		if _, ok := spec.Field(name); !ok {
			return nil, unknownField(name, spec)
		}
		keys = append(keys, application.SortKey{Field: name, Desc: desc})
	}
	return keys, nil
}

// parseFilter reads one filter parameter; eq is the default operator and
// in takes a comma-separated list (values cannot contain commas).
func parseFilter(key, val string, spec application.CollectionSpec) (application.Filter, error) {
	m := filterParam.FindStringSubmatch(key)
	if m == nil {
		return application.Filter{}, errors.New("expected filter[field] or filter[field][op]")
	}
	field, ok := spec.Field(m[1])
	if !ok {
		return application.Filter{}, unknownField(m[1], spec)
	}
	f := application.Filter{Field: field.Name, Op: application.Op(m[2])}
	if f.Op == "" {
		f.Op = application.Eq
	}
	var err error
	switch f.Op {
	case application.Eq:
		f.Value, err = parseValue(field.Type, val)
	case application.Gt, application.Gte, application.Lt, application.Lte:
		if field.Type == application.Bool {
			return f, fmt.Errorf("%s does not apply to the bool field %q", f.Op, field.Name)
		}
		f.Value, err = parseValue(field.Type, val)
	case application.Prefix:
		if field.Type != application.String {
			return f, fmt.Errorf("prefix applies to string fields only, %q is a %s", field.Name, field.Type)
		}
		f.Value = val
	case application.In:
		for part := range strings.SplitSeq(val, ",") {
			v, perr := parseValue(field.Type, part)
			err = errors.Join(err, perr)
			f.Values = append(f.Values, v)
		}
	default:
		return f, fmt.Errorf("unknown operator %q; use eq, in, gt, gte, lt, lte or prefix", f.Op)
	}
	return f, err
}

// parseValue types a value as the field's declared type, as the store
// compares them.
func parseValue(t application.FieldType, s string) (any, error) {
	switch t {
	case application.String:
		return s, nil
	case application.Number:
		// An integer keeps every digit: as a float64, 2^53+1 would
		// filter as 2^53.
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return n, nil
	case application.Bool:
		if s != "true" && s != "false" {
			return nil, fmt.Errorf("%q is not true or false", s)
		}
		return s == "true", nil
	}
	return nil, fmt.Errorf("the field has type %q, which cannot be filtered", t)
}
