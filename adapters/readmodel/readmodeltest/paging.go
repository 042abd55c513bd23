package readmodeltest

import (
	"context"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/application"
)

// maxWalk bounds the pages of a walk, more than any collection of the
// suite needs at a page of 1, so a cursor that loops fails the test.
const maxWalk = 100

// walk pages through q from the start and returns every id seen, checking
// that each page respects the limit and that no cursor leads to an empty
// page. between runs after every page but the last.
func walk(t *testing.T, s application.ReadModelStore, collection string, q application.Query, between func(page int)) []string {
	t.Helper()
	var seen []string
	for page := 0; ; page++ {
		p, err := s.Find(context.Background(), collection, q)
		if err != nil {
			t.Fatalf("page %d of %+v: %v", page, q, err)
		}
		if len(p.Items) > q.Limit {
			t.Fatalf("page %d: %d items over limit %d", page, len(p.Items), q.Limit)
		}
		if page > 0 && len(p.Items) == 0 {
			t.Fatalf("page %d: the previous cursor led to an empty page", page)
		}
		seen = append(seen, ids(t, p.Items)...)
		if p.Next == "" {
			return seen
		}
		if page > maxWalk {
			t.Fatalf("paging does not end; seen %v", seen)
		}
		if between != nil {
			between(page)
		}
		q.Cursor = p.Next
	}
}

func testPaging(t *testing.T, s application.ReadModelStore) {
	seed(t, s)
	for _, c := range sortCases {
		for _, limit := range []int{1, 2, 3, 4, 10, 11, 12} {
			got := walk(t, s, items.Name, application.Query{Sort: c.sort, Limit: limit}, nil)
			equalIDs(t, fmt.Sprintf("walk %s by %d", c.name, limit), got, c.want)
		}
	}
	filtered := application.Query{
		Filters: []application.Filter{f("group", "eq", "x")},
		Sort:    []application.SortKey{desc("score")},
		Limit:   2,
	}
	equalIDs(t, "walk group x by -score", walk(t, s, items.Name, filtered, nil),
		[]string{"d09", "d01", "d07", "d03", "d11", "d05"})
	// In filters on indexed fields, values repeated: every row is in group
	// x or y, so the order is the whole sort's; d01, d07 and d10 are named
	// apple, banana and b.
	for _, c := range sortCases {
		for _, limit := range []int{1, 3, 4} {
			q := application.Query{Filters: []application.Filter{in("group", "y", "x", "y", "z")}, Sort: c.sort, Limit: limit}
			equalIDs(t, fmt.Sprintf("walk group in (y, x) by %s, %d a page", c.name, limit), walk(t, s, items.Name, q, nil), c.want)
		}
	}
	for limit := 1; limit <= 3; limit++ {
		q := application.Query{Filters: []application.Filter{in("name", "b", "banana", "apple", "b")}, Limit: limit}
		equalIDs(t, fmt.Sprintf("walk name in (b, banana, apple), %d a page", limit), walk(t, s, items.Name, q, nil), []string{"d01", "d07", "d10"})
		q.Sort = []application.SortKey{desc("score")}
		equalIDs(t, fmt.Sprintf("walk name in (b, banana, apple) by -score, %d a page", limit), walk(t, s, items.Name, q, nil), []string{"d01", "d07", "d10"})
	}
}

// testPagingUnderWrites inserts and deletes between pages: rows added
// behind the cursor are not seen, rows added ahead of it are, deleted rows
// vanish, and deleting the very row the cursor points at does not matter.
func testPagingUnderWrites(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	got := walk(t, s, items.Name, application.Query{Sort: []application.SortKey{asc("score")}, Limit: 3}, func(page int) {
		if page != 0 { // after d05, d06, d10 (score -100)
			return
		}
		upsert(t, s, items.Name,
			`{"id":"n01","score":-1000}`, // behind
			`{"id":"c00","score":-100}`,  // ties with the cursor, smaller id: behind
			`{"id":"n03","score":-100}`,  // ties with the cursor, larger id: ahead
			`{"id":"n02","score":5000}`)  // ahead
		apply(t, s, "p", 2, func(tx application.ReadModelTx) error {
			return errorsOf(tx.Delete(ctx, items.Name, "d10"), tx.Delete(ctx, items.Name, "d02"))
		})
	})
	equalIDs(t, "walk by score under writes", got,
		[]string{"d05", "d06", "d10", "n03", "d11", "d03", "d07", "d04", "d01", "d08", "d09", "n02"})

	got = walk(t, s, items.Name, application.Query{Sort: []application.SortKey{desc("score")}, Limit: 4}, func(page int) {
		if page == 0 { // after n02, d09, d08, d01 (score 10; ties run by id descending)
			upsert(t, s, items.Name,
				`{"id":"a0","score":10}`, // ties with the cursor, smaller id: ahead
				`{"id":"e0","score":10}`, // ties with the cursor, larger id: behind
				`{"id":"z1"}`)            // no score: last, ahead
		}
	})
	equalIDs(t, "walk by -score under writes", got,
		[]string{"n02", "d09", "d08", "d01", "a0", "d04", "d07", "d03", "d11", "n03", "c00", "n01", "z1", "d06", "d05"})
}
