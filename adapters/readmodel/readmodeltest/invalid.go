package readmodeltest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var invalidFilters = map[string]application.Filter{
	"unknown field":          f("nope", "eq", 1),
	"undeclared parent":      f("meta", "eq", "flat"),
	"unknown op":             f("name", "like", "a%"),
	"string field, number":   f("name", "eq", 5),
	"number field, string":   f("score", "eq", "5"),
	"bool field, string":     f("active", "eq", "true"),
	"mixed in":               in("score", 1, "a"),
	"prefix on number":       f("score", "prefix", "1"),
	"range on bool":          f("active", "gt", false),
	"nil value":              f("name", "eq", nil),
	"NaN":                    f("score", "eq", math.NaN()),
	"infinity":               f("score", "lt", math.Inf(1)),
	"in with Value":          {Field: "score", Op: application.In, Value: 1},
	"eq with Values":         {Field: "score", Op: application.Eq, Values: []any{1}},
	"bytes for string field": f("name", "eq", []byte("apple")),
	"json.Number for string": f("name", "eq", json.Number("5")),
	"bool for number field":  f("score", "eq", true),
}

func testInvalidQueries(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	for name, flt := range invalidFilters {
		_, err := s.Find(ctx, items.Name, application.Query{Filters: []application.Filter{flt}})
		wantKind(t, err, domain.KindInvalid, "find, "+name)
		_, err = s.Count(ctx, items.Name, []application.Filter{flt})
		wantKind(t, err, domain.KindInvalid, "count, "+name)
	}
	many := make([]any, 600)
	for i := range many {
		many[i] = i
	}
	tooMany := []application.Filter{in("score", many...), in("meta.rank", many...)}
	_, err := s.Find(ctx, items.Name, application.Query{Filters: tooMany})
	wantKind(t, err, domain.KindInvalid, "find, 1200 in values over two filters")
	_, err = s.Count(ctx, items.Name, tooMany)
	wantKind(t, err, domain.KindInvalid, "count, 1200 in values over two filters")
	_, err = s.Find(ctx, items.Name, application.Query{Filters: []application.Filter{f("nope", "eq", 1)}})
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Pointer != "/filter/nope" {
		t.Errorf("unknown field error %#v, want one field error at /filter/nope", err)
	}
	for name, sort := range map[string][]application.SortKey{
		"an undeclared field": {asc("nope")},
		"a repeated field":    {asc("score"), desc("score")},
		"five keys":           {asc("name"), asc("score"), asc("active"), asc("group"), asc("meta.rank")},
	} {
		_, err = s.Find(ctx, items.Name, application.Query{Sort: sort})
		if !errors.As(err, &de) || de.Kind != domain.KindInvalid || len(de.Fields) != 1 || de.Fields[0].Pointer != "/sort" {
			t.Errorf("sort on %s: %#v, want one invalid field error at /sort", name, err)
		}
	}
	_, err = s.Find(ctx, "test.undeclared", application.Query{})
	wantKind(t, err, domain.KindNotFound, "find in an undeclared collection")
}
