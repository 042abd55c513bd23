package readmodeltest

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/application"
)

func asc(field string) application.SortKey  { return application.SortKey{Field: field} }
func desc(field string) application.SortKey { return application.SortKey{Field: field, Desc: true} }

// sortCases give the full expected order of the fixture. Missing, null and
// mistyped values sort first ascending and last descending; ties fall back
// to id in the direction of the last key (d01 and d08 tie on score, d05
// and d06 on every missing value).
var sortCases = []struct {
	name string
	sort []application.SortKey
	want []string
}{
	{"id", nil, []string{"d01", "d02", "d03", "d04", "d05", "d06", "d07", "d08", "d09", "d10", "d11"}},
	{"name", []application.SortKey{asc("name")},
		[]string{"d05", "d06", "d03", "d11", "d04", "d02", "d01", "d08", "d10", "d07", "d09"}},
	{"-name", []application.SortKey{desc("name")},
		[]string{"d09", "d07", "d10", "d08", "d01", "d02", "d04", "d11", "d03", "d06", "d05"}},
	{"score", []application.SortKey{asc("score")},
		[]string{"d05", "d06", "d10", "d02", "d11", "d03", "d07", "d04", "d01", "d08", "d09"}},
	{"-score", []application.SortKey{desc("score")},
		[]string{"d09", "d08", "d01", "d04", "d07", "d03", "d11", "d02", "d10", "d06", "d05"}},
	{"group,-score", []application.SortKey{asc("group"), desc("score")},
		[]string{"d09", "d01", "d07", "d03", "d11", "d05", "d08", "d04", "d02", "d10", "d06"}},
	{"-active,name", []application.SortKey{desc("active"), asc("name")},
		[]string{"d03", "d11", "d01", "d07", "d09", "d05", "d02", "d08", "d10", "d06", "d04"}},
	{"active,-name", []application.SortKey{asc("active"), desc("name")},
		[]string{"d04", "d06", "d10", "d08", "d02", "d05", "d09", "d07", "d01", "d11", "d03"}},
	{"-meta.rank", []application.SortKey{desc("meta.rank")},
		[]string{"d01", "d02", "d11", "d10", "d09", "d08", "d07", "d06", "d05", "d04", "d03"}},
	{"-group,score,-name", []application.SortKey{desc("group"), asc("score"), desc("name")},
		[]string{"d06", "d10", "d02", "d04", "d08", "d05", "d11", "d03", "d07", "d01", "d09"}},
}

func testSort(t *testing.T, s application.ReadModelStore) {
	seed(t, s)
	for _, c := range sortCases {
		page, err := s.Find(context.Background(), items.Name, application.Query{Sort: c.sort, Limit: 100})
		if err != nil {
			t.Errorf("sort %s: %v", c.name, err)
			continue
		}
		equalIDs(t, "sort "+c.name, ids(t, page.Items), c.want)
		if page.Next != "" {
			t.Errorf("sort %s: Next %q on the only page", c.name, page.Next)
		}
	}
}
