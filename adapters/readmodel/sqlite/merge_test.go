package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// notes has an owner field and indexes that serve an In filter on it in
// several orders, so pages filtered by owners are merges (armConds).
var notes = application.CollectionSpec{
	Name: "merge.notes",
	Fields: []application.FieldSpec{
		{Name: "owner", Type: application.String}, {Name: "n", Type: application.Number},
		{Name: "s", Type: application.String}, {Name: "b", Type: application.Bool},
	},
	Indexes: [][]string{{"owner"}, {"owner", "n"}, {"owner", "-s"}, {"owner", "b"}},
}

// TestMergedPagesMatchTheMemoryStore walks pages of In filters the store
// answers with a merge of one run per value, over documents with missing
// and mistyped values, integers and floats, and equal sort values, in
// every order an index serves, at several page sizes: each walk yields
// the ids the memory store, which sorts in Go, yields for the same query.
func TestMergedPagesMatchTheMemoryStore(t *testing.T) {
	ctx := context.Background()
	s, mem := open(t), memory.New()
	rng := rand.New(rand.NewPCG(7, 8))
	pick := func(vs ...any) any { return vs[rng.IntN(len(vs))] }
	owners := []any{"ann", "bob", "cy", "dee", "eve"}
	var docs []map[string]any
	for i := range 240 {
		doc := map[string]any{"id": fmt.Sprintf("d%03d", rng.IntN(1000)*1000+i)}
		for field, v := range map[string]any{
			"owner": pick(append(owners, 7, nil)...),
			"n":     pick(1, 2, 2.5, -3, 1e300, int64(1)<<62, "x", nil, rng.IntN(5)),
			"s":     pick("", "a", "ab", "b", "é", 3, nil),
			"b":     pick(true, false, "yes", nil),
		} {
			if v != nil {
				doc[field] = v
			}
		}
		docs = append(docs, doc)
	}
	for _, store := range []application.ReadModelStore{s, mem} {
		if err := store.Declare(ctx, notes); err != nil {
			t.Fatal(err)
		}
		err := store.Apply(ctx, "notes", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
			for _, d := range docs {
				if err := tx.Upsert(ctx, notes.Name, d["id"].(string), d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.collection(notes.Name)
	if err != nil {
		t.Fatal(err)
	}
	sorts := [][]application.SortKey{nil, {{Field: "n"}}, {{Field: "n", Desc: true}}, {{Field: "s", Desc: true}}, {{Field: "s"}}, {{Field: "b"}}, {{Field: "b", Desc: true}}}
	for _, in := range [][]any{{"ann", "bob"}, {"cy", "ann", "eve", "cy"}, {"dee", "nobody", "bob"}, {"nobody", "ann"}, {"nobody", "none"}} {
		for _, sort := range sorts {
			q := application.Query{Filters: []application.Filter{{Field: "owner", Op: application.In, Values: in}}, Sort: sort}
			p, err := query.Compile(c.spec, q)
			if err != nil {
				t.Fatal(err)
			}
			if pageSQL(c, p)[0].arms == nil {
				t.Fatalf("owner in %v by %v is not merged", in, sort)
			}
			for _, limit := range []int{1, 3, 7, 100} {
				q.Limit = limit
				want, got := walkIDs(t, mem, q), walkIDs(t, s, q)
				if !slices.Equal(got, want) {
					t.Errorf("owner in %v by %v, %d a page:\n got %v\nwant %v", in, sort, limit, got, want)
				}
			}
			// Within an Apply the runs share its transaction.
			q.Limit = 7
			want, _ := mem.Find(ctx, notes.Name, q)
			err = s.Apply(ctx, "notes", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
				got, err := tx.Find(ctx, notes.Name, q)
				if err == nil && (!slices.EqualFunc(got.Items, want.Items, func(a, b json.RawMessage) bool { return string(a) == string(b) }) || (got.Next == "") != (want.Next == "")) {
					t.Errorf("owner in %v by %v in an Apply: %s, want %s", in, sort, got.Items, want.Items)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// walkIDs pages through q and returns the ids in order.
func walkIDs(t *testing.T, s application.ReadModelStore, q application.Query) []string {
	t.Helper()
	var ids []string
	for range 1000 {
		page, err := s.Find(context.Background(), notes.Name, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			var doc struct{ ID string }
			if err := json.Unmarshal(item, &doc); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, doc.ID)
		}
		if page.Next == "" {
			return ids
		}
		q.Cursor = page.Next
	}
	t.Fatal("paging does not end")
	return nil
}

// TestMergedRunsReadOneSnapshot moves the one document between two owners
// while pages filtered by both are read: every page holds it once. The
// run of the first owner finds no row whenever the document is the
// second's, so the runs would see two snapshots if they did not take
// care, and a move between them would lose or double the document.
func TestMergedRunsReadOneSnapshot(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if err := s.Declare(ctx, notes); err != nil {
		t.Fatal(err)
	}
	move := func(pos uint64, owner string) error {
		return s.Apply(ctx, "notes", application.Checkpoint{Position: pos}, func(tx application.ReadModelTx) error {
			return tx.Upsert(ctx, notes.Name, "x", map[string]any{"owner": owner})
		})
	}
	if err := move(1, "b"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	moved := make(chan error, 1)
	go func() {
		pos := uint64(2)
		for {
			select {
			case <-stop:
				moved <- nil
				return
			default:
			}
			if err := move(pos, []string{"a", "b"}[pos%2]); err != nil {
				moved <- err
				return
			}
			pos++
		}
	}()
	q := application.Query{Filters: []application.Filter{{Field: "owner", Op: application.In, Values: []any{"a", "b"}}}}
	for range 3000 {
		page, err := s.Find(ctx, notes.Name, q)
		if err != nil || len(page.Items) != 1 {
			t.Errorf("%d documents, %v; want the one", len(page.Items), err)
			break
		}
	}
	close(stop)
	if err := <-moved; err != nil {
		t.Fatal(err)
	}
}
