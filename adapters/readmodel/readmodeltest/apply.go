package readmodeltest

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func testApplyAtomic(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, items)
	apply(t, s, "p", 5, func(tx application.ReadModelTx) error {
		return errorsOf(
			tx.Upsert(ctx, items.Name, "a", map[string]any{"id": "a", "v": 1}),
			tx.Upsert(ctx, items.Name, "b", map[string]any{"id": "b", "v": 1}))
	})
	boom := errors.New("boom")
	for name, last := range map[string]func(application.ReadModelTx) error{
		"fn error": func(application.ReadModelTx) error { return boom },
		"failing op": func(tx application.ReadModelTx) error {
			return tx.Patch(ctx, items.Name, "zzz", map[string]any{"v": 2})
		},
		"invalid read": func(tx application.ReadModelTx) error {
			_, err := tx.Count(ctx, items.Name, []application.Filter{f("v", "eq", 1)})
			return err
		},
	} {
		err := s.Apply(ctx, "p", at(9), func(tx application.ReadModelTx) error {
			if err := errorsOf(
				tx.Upsert(ctx, items.Name, "c", map[string]any{"id": "c"}),
				tx.Patch(ctx, items.Name, "a", map[string]any{"v": 2}),
				tx.Delete(ctx, items.Name, "b"),
			); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return last(tx)
		})
		if err == nil || (name == "fn error" && !errors.Is(err, boom)) {
			t.Fatalf("%s: Apply returned %v", name, err)
		}
		got, err := s.Get(ctx, items.Name, "a")
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, got, `{"id":"a","v":1}`)
		if _, err := s.Get(ctx, items.Name, "b"); err != nil {
			t.Errorf("%s: the failed batch deleted b: %v", name, err)
		}
		_, err = s.Get(ctx, items.Name, "c")
		wantKind(t, err, domain.KindNotFound, name+": the failed batch's insert")
		if cp, err := s.Checkpoint(ctx, "p"); err != nil || cp != at(5) {
			t.Errorf("%s: checkpoint %+v, %v; want %+v", name, cp, err, at(5))
		}
	}
}

func testApplyReadsOwnWrites(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	byName := []application.Filter{f("name", "prefix", "new")}
	apply(t, s, "p", 2, func(tx application.ReadModelTx) error {
		if err := errorsOf(
			tx.Upsert(ctx, items.Name, "n1", map[string]any{"id": "n1", "name": "new one", "score": 1}),
			tx.Patch(ctx, items.Name, "n1", map[string]any{"score": 2}),
			tx.Delete(ctx, items.Name, "d01"),
		); err != nil {
			return err
		}
		got, err := tx.Get(ctx, items.Name, "n1")
		if err != nil {
			return err
		}
		sameJSON(t, got, `{"id":"n1","name":"new one","score":2}`)
		_, err = tx.Get(ctx, items.Name, "d01")
		wantKind(t, err, domain.KindNotFound, "deleted in this batch")
		page, err := tx.Find(ctx, items.Name, application.Query{Filters: []application.Filter{f("score", "eq", 2)}})
		if err != nil {
			return err
		}
		equalIDs(t, "find in the batch", ids(t, page.Items), []string{"n1"})
		if n, err := tx.Count(ctx, items.Name, nil); err != nil || n != int64(len(fixture)) {
			t.Errorf("count in the batch: %d, %v; want %d", n, err, len(fixture))
		}
		// Nothing of the batch is visible outside it before it commits.
		if _, err := s.Get(ctx, items.Name, "n1"); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("uncommitted insert visible outside the batch: %v", err)
		}
		if n, _ := s.Count(ctx, items.Name, byName); n != 0 {
			t.Errorf("uncommitted insert counted outside the batch")
		}
		return nil
	})
	if n, err := s.Count(ctx, items.Name, byName); err != nil || n != 1 {
		t.Errorf("after commit: count %d, %v; want 1", n, err)
	}
}

func testCheckpoint(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	noop := func(application.ReadModelTx) error { return nil }
	if cp, err := s.Checkpoint(ctx, "fresh"); err != nil || cp != (application.Checkpoint{}) {
		t.Fatalf("unknown projection: checkpoint %+v, %v; want the zero one", cp, err)
	}
	// The store id and hash are kept with the position: they are how a
	// projection notices, at start, that the event store changed under it.
	for _, pos := range []uint64{7, 3, 1 << 40, math.MaxUint64} {
		apply(t, s, "p", pos, noop)
		if cp, err := s.Checkpoint(ctx, "p"); err != nil || cp != at(pos) {
			t.Errorf("checkpoint %+v, %v; want %+v", cp, err, at(pos))
		}
	}
	apply(t, s, "q", 11, noop)
	if cp, _ := s.Checkpoint(ctx, "p"); cp != at(math.MaxUint64) {
		t.Errorf("another projection's Apply moved p to %+v", cp)
	}
}
