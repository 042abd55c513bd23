package projections

import (
	"context"
	"encoding/json"
	"testing"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestOverlayShowsTheBatchItsOwnWrites checks every read path of the
// overlay against writes still pending in it.
func TestOverlayShowsTheBatchItsOwnWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := rmmemory.New()
	spec := application.CollectionSpec{Name: "docs", Fields: []application.FieldSpec{{Name: "n", Type: application.Number}}}
	if err := store.Declare(ctx, spec); err != nil {
		t.Fatal(err)
	}
	err := store.Apply(ctx, "p", application.Checkpoint{Position: 1}, func(stx application.ReadModelTx) error {
		o := newOverlay(stx)
		must(t, o.Upsert(ctx, "docs", "a", map[string]any{"n": 1}))
		must(t, o.Upsert(ctx, "docs", "a", map[string]any{"n": 2}))
		must(t, o.Upsert(ctx, "docs", "b", map[string]any{"n": 3}))
		if raw, err := o.Get(ctx, "docs", "a"); err != nil || string(raw) != `{"n":2}` {
			t.Fatalf("get pending: %s %v", raw, err)
		}
		must(t, o.Delete(ctx, "docs", "b"))
		if _, err := o.Get(ctx, "docs", "b"); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("get deleted: %v", err)
		}
		if n, err := o.Count(ctx, "docs", nil); err != nil || n != 1 {
			t.Fatalf("count sees pending writes: %d %v", n, err)
		}
		must(t, o.Upsert(ctx, "docs", "c", map[string]any{"n": 5}))
		must(t, o.Patch(ctx, "docs", "c", map[string]any{"n": 6}))
		page, err := o.Find(ctx, "docs", application.Query{Filters: []application.Filter{{Field: "n", Op: application.Gte, Value: 6}}})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("find sees the patch: %s %v", page.Items, err)
		}
		return o.flush(ctx)
	})
	must(t, err)
	for id, want := range map[string]float64{"a": 2, "c": 6} {
		raw, err := store.Get(ctx, "docs", id)
		var doc map[string]float64
		if err != nil || json.Unmarshal(raw, &doc) != nil || doc["n"] != want {
			t.Fatalf("%s after flush: %s %v", id, raw, err)
		}
	}
	if _, err := store.Get(ctx, "docs", "b"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("b must stay deleted: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seenTx is a batch of a store that records positions, played over the
// memory store: seen is what each document has seen, and writes records
// the position every write is made at.
type seenTx struct {
	application.ReadModelTx
	seen   map[string]uint64
	writes *[]uint64
	at     uint64
}

func (s seenTx) At(position uint64) application.ReadModelTx {
	s.at = position
	return s
}

func (s seenTx) Seen(_ context.Context, _, id string) (uint64, error) { return s.seen[id], nil }

func (s seenTx) Upsert(ctx context.Context, collection, id string, doc any) error {
	*s.writes = append(*s.writes, s.at)
	return s.ReadModelTx.Upsert(ctx, collection, id, doc)
}

// TestOverlaySkipsEventsADocumentHasSeen replays, after a crash, events a
// document has seen: a read-modify-write handler must not build on the
// stored document and write it back with the event counted twice, even
// when a later event of the batch writes the same document.
func TestOverlaySkipsEventsADocumentHasSeen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := rmmemory.New()
	spec := application.CollectionSpec{Name: "docs", Fields: []application.FieldSpec{{Name: "n", Type: application.Number}}}
	must(t, store.Declare(ctx, spec))
	must(t, store.Apply(ctx, "p", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, "docs", "a", map[string]any{"n": 5})
	}))
	var writes []uint64
	add := func(o *overlay, pos uint64, q float64) {
		raw, err := o.Get(ctx, "docs", "a")
		must(t, err)
		var doc map[string]float64
		must(t, json.Unmarshal(raw, &doc))
		o.event(pos)
		must(t, o.Upsert(ctx, "docs", "a", map[string]any{"n": doc["n"] + q}))
	}
	must(t, store.Apply(ctx, "p", application.Checkpoint{Position: 6}, func(stx application.ReadModelTx) error {
		o := newOverlay(seenTx{ReadModelTx: stx, seen: map[string]uint64{"a": 5}, writes: &writes})
		add(o, 4, 1) // seen: dropped
		add(o, 5, 4) // seen: dropped
		add(o, 6, 10)
		return o.flush(ctx)
	}))
	raw, err := store.Get(ctx, "docs", "a")
	if err != nil || string(raw) != `{"n":15}` {
		t.Fatalf("a after the replay: %s %v; want n = 15", raw, err)
	}
	if len(writes) != 1 || writes[0] != 6 {
		t.Fatalf("writes at positions %v; want one at 6", writes)
	}
}
