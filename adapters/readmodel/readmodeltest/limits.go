package readmodeltest

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// bulk has more documents than the largest page.
var bulk = application.CollectionSpec{
	Name:   "test.bulk",
	Fields: []application.FieldSpec{{Name: "n", Type: application.Number}},
}

func testLimits(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, bulk)
	const total = 1005
	var want []string
	apply(t, s, "bulk", 1, func(tx application.ReadModelTx) error {
		for i := range total {
			id := fmt.Sprintf("b%04d", i)
			want = append(want, id)
			if err := tx.Upsert(ctx, bulk.Name, id, map[string]any{"id": id, "n": total - i}); err != nil {
				return err
			}
		}
		return nil
	})
	for _, c := range []struct{ limit, want int }{{0, 50}, {-3, 50}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		page, err := s.Find(ctx, bulk.Name, application.Query{Limit: c.limit})
		if err != nil || len(page.Items) != c.want || page.Next == "" {
			t.Errorf("limit %d: %d items, next %q, %v; want %d items and a cursor", c.limit, len(page.Items), page.Next, err, c.want)
		}
	}
	got := walk(t, s, bulk.Name, application.Query{Limit: 1000}, nil)
	equalIDs(t, "walk bulk by 1000", got, want)
	got = walk(t, s, bulk.Name, application.Query{Sort: []application.SortKey{asc("n")}, Limit: 300}, nil)
	slices.Reverse(want)
	equalIDs(t, "walk bulk by n, 300 a page", got, want)
}

// testRewrite rewrites, in one batch, more existing documents than a
// server request may carry on some servers (FerretDB hangs on an update
// of 100), then reads them all back.
func testRewrite(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, bulk)
	const total = 300
	for round := range 2 {
		apply(t, s, "bulk", uint64(round+1), func(tx application.ReadModelTx) error {
			for i := range total {
				id := fmt.Sprintf("r%03d", i)
				if err := tx.Upsert(ctx, bulk.Name, id, map[string]any{"id": id, "n": round}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if n, err := s.Count(ctx, bulk.Name, []application.Filter{f("n", "eq", 1)}); err != nil || n != total {
		t.Fatalf("after rewriting %d documents: %d hold the new value, %v", total, n, err)
	}
}

func testMalformedCursor(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	byScore := application.Query{Sort: []application.SortKey{asc("score")}, Limit: 2}
	first, err := s.Find(ctx, items.Name, byScore)
	if err != nil || first.Next == "" {
		t.Fatalf("first page: %v, next %q", err, first.Next)
	}
	for name, q := range map[string]application.Query{
		"not base64":     {Sort: byScore.Sort, Cursor: "!!!"},
		"not json":       {Sort: byScore.Sort, Cursor: base64.RawURLEncoding.EncodeToString([]byte("nope"))},
		"empty object":   {Sort: byScore.Sort, Cursor: base64.RawURLEncoding.EncodeToString([]byte("{}"))},
		"truncated":      {Sort: byScore.Sort, Cursor: first.Next[:len(first.Next)/2]},
		"other field":    {Sort: []application.SortKey{asc("name")}, Cursor: first.Next},
		"other order":    {Sort: []application.SortKey{desc("score")}, Cursor: first.Next},
		"more keys":      {Sort: []application.SortKey{asc("score"), asc("name")}, Cursor: first.Next},
		"no sort at all": {Cursor: first.Next},
		"oversized": {Sort: byScore.Sort, Cursor: base64.RawURLEncoding.EncodeToString(
			[]byte(`{"s":"score","v":[1],"id":"` + strings.Repeat("x", 4096) + `"}`))},
	} {
		_, err := s.Find(ctx, items.Name, q)
		wantKind(t, err, domain.KindInvalid, "cursor "+name)
	}
	byScore.Cursor = first.Next
	if _, err := s.Find(ctx, items.Name, byScore); err != nil {
		t.Fatalf("the genuine cursor: %v", err)
	}
}
