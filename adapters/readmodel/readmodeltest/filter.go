package readmodeltest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Named types, as domain code declares them, filter like their kinds.
type (
	label string
	level int16
	flag  bool
)

type filterCase struct {
	filters []application.Filter
	want    []string // ids, ascending
}

func f(field string, op application.Op, v any) application.Filter {
	return application.Filter{Field: field, Op: op, Value: v}
}

func in(field string, vs ...any) application.Filter {
	return application.Filter{Field: field, Op: application.In, Values: vs}
}

var filterCases = []filterCase{
	{[]application.Filter{f("name", "eq", "apple")}, []string{"d01"}},
	{[]application.Filter{f("name", "eq", "Apple")}, []string{"d02"}},
	{[]application.Filter{f("name", "eq", label("apple"))}, []string{"d01"}},
	{[]application.Filter{in("name", "b", "banana", "nope")}, []string{"d07", "d10"}},
	{[]application.Filter{f("name", "gt", "b")}, []string{"d07", "d09"}},
	{[]application.Filter{f("name", "gte", "b")}, []string{"d07", "d09", "d10"}},
	{[]application.Filter{f("name", "lt", "Apple")}, []string{"d03", "d04", "d11"}},
	{[]application.Filter{f("name", "lte", "Apple")}, []string{"d02", "d03", "d04", "d11"}},
	{[]application.Filter{f("name", "prefix", "")}, []string{"d01", "d02", "d03", "d04", "d07", "d08", "d09", "d10", "d11"}},
	{[]application.Filter{f("name", "prefix", "100")}, []string{"d03", "d04", "d11"}},
	{[]application.Filter{f("name", "prefix", "100%")}, []string{"d03"}},
	{[]application.Filter{f("name", "prefix", "100_")}, []string{"d11"}},
	{[]application.Filter{f("name", "prefix", "100%_")}, []string{"d03"}},
	{[]application.Filter{f("name", "prefix", "apple")}, []string{"d01", "d08"}},
	{[]application.Filter{f("name", "prefix", "b")}, []string{"d07", "d10"}},
	{[]application.Filter{f("name", "prefix", "ünï")}, []string{"d09"}},
	{[]application.Filter{f("name", "prefix", "appl%")}, nil},
	{[]application.Filter{f("score", "eq", 10)}, []string{"d01", "d08"}},
	{[]application.Filter{f("score", "eq", float32(10))}, []string{"d01", "d08"}},
	{[]application.Filter{f("score", "eq", int8(-100))}, []string{"d10"}},
	{[]application.Filter{f("score", "eq", uint64(3))}, []string{"d04"}},
	{[]application.Filter{f("score", "eq", -5.5)}, []string{"d02"}},
	{[]application.Filter{f("score", "eq", level(-100))}, []string{"d10"}},
	{[]application.Filter{f("score", "eq", json.Number("2.25"))}, []string{"d07"}},
	{[]application.Filter{f("score", "eq", 1000)}, []string{"d09"}},
	{[]application.Filter{f("score", "eq", 12)}, nil}, // d06 holds the string "12"
	{[]application.Filter{f("score", "gt", 0)}, []string{"d01", "d04", "d07", "d08", "d09"}},
	{[]application.Filter{f("score", "gte", 0)}, []string{"d01", "d03", "d04", "d07", "d08", "d09"}},
	{[]application.Filter{f("score", "gt", 2.25)}, []string{"d01", "d04", "d08", "d09"}},
	{[]application.Filter{f("score", "lt", 0)}, []string{"d02", "d10", "d11"}},
	{[]application.Filter{f("score", "lt", -5.5)}, []string{"d10"}},
	{[]application.Filter{f("score", "lte", -0.5)}, []string{"d02", "d10", "d11"}},
	{[]application.Filter{in("score", 10, int64(-100), 7.0)}, []string{"d01", "d08", "d10"}},
	{[]application.Filter{in("score")}, nil},
	{[]application.Filter{f("active", "eq", true)}, []string{"d01", "d03", "d07", "d09", "d11"}},
	{[]application.Filter{f("active", "eq", false)}, []string{"d02", "d05", "d08", "d10"}},
	{[]application.Filter{f("active", "eq", flag(false))}, []string{"d02", "d05", "d08", "d10"}},
	{[]application.Filter{in("active", true, false)}, []string{"d01", "d02", "d03", "d05", "d07", "d08", "d09", "d10", "d11"}},
	{[]application.Filter{f("meta.rank", "gte", 1)}, []string{"d01", "d02"}},
	{[]application.Filter{f("group", "eq", "x"), f("score", "gte", 0)}, []string{"d01", "d03", "d07", "d09"}},
	{[]application.Filter{f("group", "eq", "y"), f("score", "gt", -100), f("score", "lt", 10)}, []string{"d02", "d04"}},
}

func testFilters(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	for _, c := range filterCases {
		page, err := s.Find(ctx, items.Name, application.Query{Filters: c.filters, Limit: 100})
		if err != nil {
			t.Errorf("%v: %v", c.filters, err)
			continue
		}
		if c.want == nil {
			c.want = []string{}
		}
		equalIDs(t, filterName(c.filters), ids(t, page.Items), c.want)
		if n, err := s.Count(ctx, items.Name, c.filters); err != nil || n != int64(len(c.want)) {
			t.Errorf("count %s: %d, %v; want %d", filterName(c.filters), n, err, len(c.want))
		}
	}
}

func filterName(fs []application.Filter) string {
	b, _ := json.Marshal(fs)
	return string(b)
}

func testCount(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	for _, c := range []struct {
		filters []application.Filter
		want    int64
	}{
		{nil, int64(len(fixture))},
		{[]application.Filter{f("group", "eq", "x")}, 6},
		{[]application.Filter{f("group", "eq", "x"), f("active", "eq", true)}, 5},
		{[]application.Filter{f("name", "eq", "nobody")}, 0},
	} {
		if n, err := s.Count(ctx, items.Name, c.filters); err != nil || n != c.want {
			t.Errorf("count %s = %d, %v; want %d", filterName(c.filters), n, err, c.want)
		}
	}
	_, err := s.Count(ctx, "test.undeclared", nil)
	wantKind(t, err, domain.KindNotFound, "count in an undeclared collection")
}

// testPrefixBoundaries probes prefixes whose byte-wise successor is not
// valid UTF-8 ("ÿ" is C3 BF) or needs a carry, next to their neighbours.
func testPrefixBoundaries(t *testing.T, s application.ReadModelStore) {
	words := application.CollectionSpec{Name: "test.words", Fields: []application.FieldSpec{{Name: "w", Type: application.String}}}
	declare(t, s, words)
	upsert(t, s, words.Name,
		`{"id":"1","w":"ÿ"}`, `{"id":"2","w":"ÿa"}`, `{"id":"3","w":"þ"}`, `{"id":"4","w":"Ā"}`,
		`{"id":"5","w":"a\u0000b"}`, `{"id":"6","w":"a"}`, `{"id":"7","w":"ab"}`)
	for prefix, want := range map[string][]string{
		"ÿ": {"1", "2"}, "þ": {"3"}, "Ā": {"4"}, "a": {"5", "6", "7"}, "ab": {"7"}, "a\x00": {"5"},
	} {
		page, err := s.Find(context.Background(), words.Name, application.Query{
			Filters: []application.Filter{f("w", application.Prefix, prefix)},
		})
		if err != nil {
			t.Fatal(err)
		}
		equalIDs(t, "prefix "+prefix, ids(t, page.Items), want)
	}
}
