package readmodeltest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
)

// big is sorted by a number field holding integers beyond 2^53, where a
// float64 can no longer tell neighbours apart.
var big = application.CollectionSpec{
	Name:    "test.big",
	Fields:  []application.FieldSpec{{Name: "n", Type: application.Number}},
	Indexes: [][]string{{"n"}},
}

// bigDocs are in ascending order of n. b06 and b07 are equal (an integer
// and a float of the same value); 2^63 and 2^64-1 do not fit an int64, so
// they are floats, as SQLite reads them.
var bigDocs = []string{
	`{"id":"b01","n":-9223372036854775808}`,
	`{"id":"b02","n":-9223372036854775807}`,
	`{"id":"b03","n":-9007199254740993}`,
	`{"id":"b04","n":-1}`,
	`{"id":"b05","n":0.5}`,
	`{"id":"b06","n":9007199254740992}`,
	`{"id":"b07","n":9007199254740992.0}`,
	`{"id":"b08","n":9007199254740993}`,
	`{"id":"b09","n":9007199254740994}`,
	`{"id":"b10","n":9223372036854775806}`,
	`{"id":"b11","n":9223372036854775807}`,
	`{"id":"b12","n":9223372036854775808}`,
	`{"id":"b13","n":18446744073709551615}`,
	`{"id":"b14","n":1e21}`,
}

// testExactNumbers pages and filters by integers around 2^53 and 2^63,
// negatives and mixed integers and floats: every adapter compares them
// exactly, as SQLite does, so cursors neither repeat nor skip rows (with
// float64 comparisons, a cursor after 2^53+1 is a cursor after 2^53 and
// paging never ends).
func testExactNumbers(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, big)
	upsert(t, s, big.Name, bigDocs...)
	var want []string
	for _, d := range bigDocs {
		want = append(want, idOf(t, json.RawMessage(d)))
	}
	// Descending, ties run by id descending too: b07 before b06.
	wantDesc := slices.Clone(want)
	slices.Reverse(wantDesc)
	for _, limit := range []int{1, 2, 3, 5} {
		got := walk(t, s, big.Name, application.Query{Sort: []application.SortKey{asc("n")}, Limit: limit}, nil)
		equalIDs(t, fmt.Sprintf("walk by n, %d a page", limit), got, want)
		got = walk(t, s, big.Name, application.Query{Sort: []application.SortKey{desc("n")}, Limit: limit}, nil)
		equalIDs(t, fmt.Sprintf("walk by -n, %d a page", limit), got, wantDesc)
	}
	for _, c := range []struct {
		filter application.Filter
		want   []string
	}{
		{f("n", "eq", int64(9007199254740993)), []string{"b08"}},
		{f("n", "eq", json.Number("9007199254740993")), []string{"b08"}},
		{f("n", "eq", 9007199254740992.0), []string{"b06", "b07"}},
		{f("n", "gt", int64(9007199254740992)), []string{"b08", "b09", "b10", "b11", "b12", "b13", "b14"}},
		{f("n", "lt", float64(math.MaxInt64)), []string{"b01", "b02", "b03", "b04", "b05", "b06", "b07", "b08", "b09", "b10", "b11"}},
		{f("n", "gte", int64(math.MaxInt64)), []string{"b11", "b12", "b13", "b14"}},
		{f("n", "eq", uint64(math.MaxUint64)), []string{"b13"}},
		{f("n", "lte", int64(-9007199254740993)), []string{"b01", "b02", "b03"}},
		{in("n", int64(9007199254740994), int64(-9223372036854775807)), []string{"b02", "b09"}},
	} {
		page, err := s.Find(ctx, big.Name, application.Query{Filters: []application.Filter{c.filter}, Limit: 100})
		if err != nil {
			t.Errorf("filter %+v: %v", c.filter, err)
			continue
		}
		equalIDs(t, fmt.Sprintf("filter n %s %v", c.filter.Op, c.filter.Value), ids(t, page.Items), c.want)
	}
	// A patch of another field leaves every digit of n in place.
	apply(t, s, "upsert", 2, func(tx application.ReadModelTx) error {
		return tx.Patch(ctx, big.Name, "b08", map[string]any{"note": "patched"})
	})
	doc, err := s.Get(ctx, big.Name, "b08")
	if err != nil || !strings.Contains(string(doc), "9007199254740993") {
		t.Errorf("b08 after a patch: %s, %v; want n = 9007199254740993", doc, err)
	}
	page, err := s.Find(ctx, big.Name, application.Query{Filters: []application.Filter{f("n", "eq", int64(9007199254740993))}})
	if err != nil || !slices.Equal(ids(t, page.Items), []string{"b08"}) {
		t.Errorf("eq 2^53+1 after the patch: %v, %v", ids(t, page.Items), err)
	}
}
