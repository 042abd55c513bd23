package readmodeltest

import (
	"context"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// testVersions checks that the collections of two versions of a projection
// (application.VersionedName) are separate collections with separate
// checkpoints, and that dropping the old one leaves the new one whole.
func testVersions(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	v2 := items
	v2.Name = application.VersionedName(items.Name, 2)
	seed(t, s) // version 1, under the plain name
	declare(t, s, v2)
	const p1, p2 = "test.proj", "test.proj@v2"
	apply(t, s, p2, 7, func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, v2.Name, "n1", map[string]any{"id": "n1", "score": 1})
	})
	apply(t, s, p1, 3, func(tx application.ReadModelTx) error { return nil })
	if n, err := s.Count(ctx, items.Name, nil); err != nil || n != int64(len(fixture)) {
		t.Fatalf("version 1 holds %d, %v; want %d", n, err, len(fixture))
	}
	if n, err := s.Count(ctx, v2.Name, nil); err != nil || n != 1 {
		t.Fatalf("version 2 holds %d, %v; want 1", n, err)
	}
	for p, want := range map[string]uint64{p1: 3, p2: 7} {
		if cp, err := s.Checkpoint(ctx, p); err != nil || cp.Position != want {
			t.Fatalf("checkpoint %s = %+v, %v; want %d", p, cp, err, want)
		}
	}

	// Readers of version 2 read on while version 1 is dropped.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if n, err := s.Count(ctx, v2.Name, nil); err != nil || n != 1 {
					t.Errorf("reading version 2 during the drop: %d, %v", n, err)
					return
				}
			}
		})
	}
	if err := s.Reset(ctx, p1, []string{items.Name}); err != nil {
		t.Fatal(err)
	}
	if err := s.Drop(ctx, []string{items.Name, "test.undeclared", "test.undeclared@v9"}); err != nil {
		t.Fatalf("drop: %v", err)
	}
	close(stop)
	wg.Wait()
	if _, err := s.Count(ctx, items.Name, nil); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("a dropped collection still answers: %v", err)
	}
	if _, err := s.Get(ctx, items.Name, "d01"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("a dropped collection still answers Get: %v", err)
	}
	err := s.Apply(ctx, p1, at(4), func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, items.Name, "x", map[string]any{"n": 1})
	})
	wantKind(t, err, domain.KindNotFound, "writing a dropped collection")
	if cp, err := s.Checkpoint(ctx, p2); err != nil || cp.Position != 7 {
		t.Fatalf("dropping version 1 moved the checkpoint of version 2: %+v, %v", cp, err)
	}
	got, err := s.Get(ctx, v2.Name, "n1")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, `{"id":"n1","score":1}`)

	// Declared again, the collection is new and empty, with only the new
	// declaration's fields.
	declare(t, s, application.CollectionSpec{Name: items.Name, Fields: []application.FieldSpec{{Name: "n", Type: application.Number}}})
	if n, err := s.Count(ctx, items.Name, nil); err != nil || n != 0 {
		t.Fatalf("a dropped collection declared again holds %d, %v", n, err)
	}
	_, err = s.Find(ctx, items.Name, application.Query{Filters: []application.Filter{f("score", "eq", 1)}})
	wantKind(t, err, domain.KindInvalid, "filtering on a field of the dropped declaration")
	if err := s.Drop(ctx, nil); err != nil {
		t.Fatalf("dropping nothing: %v", err)
	}
}
