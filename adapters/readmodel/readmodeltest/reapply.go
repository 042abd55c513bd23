package readmodeltest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// counters is the collection of the re-application tests: one document
// per counter, each event adding to one of them.
var counters = application.CollectionSpec{
	Name:   "test.counters",
	Fields: []application.FieldSpec{{Name: "n", Type: application.Number}},
}

// event is one event of the re-application tests: at position pos, add q
// to counter id (a read-modify-write), or with set store {"n": q} without
// reading (a blind write).
type event struct {
	pos uint64
	id  string
	q   int64
	set bool
}

// applyEvents applies events in one batch, as the projection runtime
// does: each through the batch as seen by its own position, and stores
// checkpoint cp.
func applyEvents(t *testing.T, s application.ReadModelStore, cp uint64, events ...event) {
	t.Helper()
	ctx := context.Background()
	apply(t, s, "p", cp, func(tx application.ReadModelTx) error {
		for _, e := range events {
			if err := e.apply(ctx, eventTx(t, tx).At(e.pos)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (e event) apply(ctx context.Context, tx application.ReadModelTx) error {
	var doc struct{ N int64 }
	if !e.set {
		raw, err := tx.Get(ctx, counters.Name, e.id)
		switch {
		case err == nil:
			if err := json.Unmarshal(raw, &doc); err != nil {
				return err
			}
		case domain.KindOf(err) != domain.KindNotFound:
			return err
		}
	}
	return tx.Upsert(ctx, counters.Name, e.id, map[string]any{"id": e.id, "n": doc.N + e.q})
}

func eventTx(t *testing.T, tx application.ReadModelTx) application.EventTx {
	t.Helper()
	etx, ok := tx.(application.EventTx)
	if !ok {
		t.Fatalf("the batch %T does not implement application.EventTx", tx)
	}
	return etx
}

// wantCounters fails unless the counters hold exactly want.
func wantCounters(t *testing.T, s application.ReadModelStore, what string, want map[string]int64) {
	t.Helper()
	ctx := context.Background()
	for id, n := range want {
		raw, err := s.Get(ctx, counters.Name, id)
		if err != nil {
			t.Errorf("%s: counter %s: %v", what, id, err)
			continue
		}
		var doc struct{ N int64 }
		if err := json.Unmarshal(raw, &doc); err != nil || doc.N != n {
			t.Errorf("%s: counter %s = %s, want n = %d", what, id, raw, n)
		}
	}
	if n, err := s.Count(ctx, counters.Name, nil); err != nil || n != int64(len(want)) {
		t.Errorf("%s: %d counters, %v; want %d", what, n, err, len(want))
	}
}

// testEventTx checks that every batch tells the store which event writes,
// and that a write through At lands as any other.
func testEventTx(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, counters)
	applyEvents(t, s, 2, event{pos: 1, id: "a", q: 1}, event{pos: 2, id: "a", q: 2})
	wantCounters(t, s, "two events", map[string]int64{"a": 3})
	apply(t, s, "p", 3, func(tx application.ReadModelTx) error {
		if seen, err := eventTx(t, tx).Seen(ctx, counters.Name, "nope"); err != nil || seen != 0 {
			t.Errorf("seen of a missing document: %d, %v; want 0", seen, err)
		}
		return eventTx(t, tx).At(3).Delete(ctx, counters.Name, "a")
	})
	wantCounters(t, s, "deleted", map[string]int64{})
}

// testReapply plays a crash between a batch's documents and its
// checkpoint: the batch is applied with the checkpoint of the batch before
// (what the store holds when the process dies between the two writes),
// then applied again, extended by later events, as the projection does at
// restart. Every counter must end as one uninterrupted run leaves it.
func testReapply(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, counters)
	applyEvents(t, s, 2, event{pos: 1, id: "a", q: 1}, event{pos: 2, id: "b", q: 10})
	crashed := []event{{pos: 3, id: "a", q: 2}, {pos: 4, id: "a", q: 4}, {pos: 5, id: "b", q: 20},
		{pos: 6, id: "d", q: 1, set: true}, {pos: 7, id: "d", q: 1}}
	applyEvents(t, s, 2, crashed...)
	wantCounters(t, s, "after the crashed batch", map[string]int64{"a": 7, "b": 30, "d": 2})
	apply(t, s, "p", 2, func(tx application.ReadModelTx) error {
		for id, want := range map[string]uint64{"a": 4, "b": 5, "d": 7} {
			if seen, err := eventTx(t, tx).Seen(ctx, counters.Name, id); err != nil || seen != want {
				t.Errorf("seen of %s: %d, %v; want %d", id, seen, err, want)
			}
		}
		return nil
	})
	// A shorter batch first: only the blind write of d, which d has seen.
	applyEvents(t, s, 2, crashed[3])
	wantCounters(t, s, "the blind write again", map[string]int64{"a": 7, "b": 30, "d": 2})
	// Then the whole batch and new events on the same documents: the
	// counters must take the new events once and the old ones not again.
	applyEvents(t, s, 9, append(crashed, event{pos: 8, id: "a", q: 8}, event{pos: 9, id: "c", q: 100})...)
	wantCounters(t, s, "after the batch applied again", map[string]int64{"a": 15, "b": 30, "c": 100, "d": 2})
	// A patch the document has seen is skipped too (given other fields
	// here, so that applying it again would show).
	for _, n := range []int{101, 999} {
		apply(t, s, "p", 9, func(tx application.ReadModelTx) error {
			return eventTx(t, tx).At(10).Patch(ctx, counters.Name, "c", map[string]any{"n": n})
		})
	}
	wantCounters(t, s, "after the patch", map[string]int64{"a": 15, "b": 30, "c": 101, "d": 2})
}

// testReapplyDeleted applies again a batch that deleted a document: a
// deleted document keeps the position of its deletion until the
// checkpoint passes it, so a patch of it by an event before the deletion
// is skipped rather than failing as a patch of a missing document.
func testReapplyDeleted(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, counters)
	applyEvents(t, s, 1, event{pos: 1, id: "x", q: 1}, event{pos: 1, id: "y", q: 5})
	batch := func(tx application.ReadModelTx) error {
		e := eventTx(t, tx)
		return errorsOf(
			e.At(2).Patch(ctx, counters.Name, "x", map[string]any{"tag": "patched"}),
			e.At(3).Delete(ctx, counters.Name, "x"))
	}
	apply(t, s, "p", 1, batch) // crashed before its checkpoint
	wantCounters(t, s, "deleted", map[string]int64{"y": 5})
	apply(t, s, "p", 3, batch) // applied again
	wantCounters(t, s, "deleted, applied again", map[string]int64{"y": 5})
	page, err := s.Find(ctx, counters.Name, application.Query{})
	if err != nil || len(page.Items) != 1 {
		t.Errorf("find after the deletion: %d documents, %v; want y alone", len(page.Items), err)
	}
	// A later event may create the document again.
	applyEvents(t, s, 4, event{pos: 4, id: "x", q: 4})
	wantCounters(t, s, "created again", map[string]int64{"x": 4, "y": 5})
}
