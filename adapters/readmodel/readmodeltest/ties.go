package readmodeltest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
)

// ties has few distinct values, so most rows tie on one key or on all.
var ties = application.CollectionSpec{
	Name: "test.ties",
	Fields: []application.FieldSpec{
		{Name: "g", Type: application.String},
		{Name: "n", Type: application.Number},
	},
	Indexes: [][]string{{"g", "n"}, {"g", "-n"}},
}

// tieRow is a document of ties; nil fields are missing.
type tieRow struct {
	id string
	g  *string
	n  *int
}

// testPagingTies walks sorts in every direction mix over rows that tie
// on the first key, on both keys, and on missing values, a page of 1 to
// 4 rows at a time: no row is repeated or skipped. The expected order is
// computed here from the rule (missing first ascending, last descending;
// ties by id in the last key's direction), not by the store.
func testPagingTies(t *testing.T, s application.ReadModelStore) {
	declare(t, s, ties)
	groups, nums := []string{"a", "b"}, []int{1, 2}
	var rows []tieRow
	var docs []string
	for i := range 30 {
		r := tieRow{id: fmt.Sprintf("t%02d", (i*7)%30)} // ids not in insertion order
		doc := `{"id":"` + r.id + `"`
		if i%5 != 0 {
			r.g = &groups[i%2]
			doc += `,"g":"` + *r.g + `"`
		}
		if i%4 != 0 {
			r.n = &nums[(i/2)%2]
			doc += fmt.Sprintf(`,"n":%d`, *r.n)
		}
		rows, docs = append(rows, r), append(docs, doc+"}")
	}
	upsert(t, s, ties.Name, docs...)
	for _, sort := range [][]application.SortKey{
		{asc("g"), asc("n")}, {desc("g"), desc("n")}, {asc("g"), desc("n")}, {desc("g"), asc("n")}, {desc("n")}, {asc("g")},
	} {
		want := expectedTieOrder(rows, sort)
		for limit := 1; limit <= 4; limit++ {
			got := walk(t, s, ties.Name, application.Query{Sort: sort, Limit: limit}, nil)
			equalIDs(t, fmt.Sprintf("walk ties by %v, %d a page", sort, limit), got, want)
		}
	}
}

func expectedTieOrder(rows []tieRow, sort []application.SortKey) []string {
	byKey := func(r tieRow, field string) *int {
		if field == "n" {
			return r.n
		}
		if r.g == nil {
			return nil
		}
		v := int((*r.g)[0])
		return &v
	}
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, func(a, b tieRow) int {
		for _, k := range sort {
			x, y := byKey(a, k.Field), byKey(b, k.Field)
			d := 0
			switch {
			case x == nil && y == nil:
			case x == nil:
				d = -1
			case y == nil:
				d = 1
			default:
				d = cmp.Compare(*x, *y)
			}
			if k.Desc {
				d = -d
			}
			if d != 0 {
				return d
			}
		}
		if sort[len(sort)-1].Desc {
			return cmp.Compare(b.id, a.id)
		}
		return cmp.Compare(a.id, b.id)
	})
	out := make([]string, len(sorted))
	for i, r := range sorted {
		out[i] = r.id
	}
	return out
}
