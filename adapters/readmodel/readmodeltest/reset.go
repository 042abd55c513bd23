package readmodeltest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
)

func testReset(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	colls := []string{"test.c1", "test.c2", "test.c3"}
	for _, c := range colls {
		declare(t, s, application.CollectionSpec{Name: c, Fields: []application.FieldSpec{{Name: "n", Type: application.Number}}})
	}
	write := func(projection string, pos uint64, colls ...string) {
		apply(t, s, projection, pos, func(tx application.ReadModelTx) error {
			for _, c := range colls {
				if err := errorsOf(
					tx.Upsert(ctx, c, "x", map[string]any{"n": 1}),
					tx.Upsert(ctx, c, "y", map[string]any{"n": 2})); err != nil {
					return err
				}
			}
			return nil
		})
	}
	write("p1", 10, "test.c1", "test.c2")
	write("p2", 20, "test.c3")
	if err := s.Reset(ctx, "p1", []string{"test.c1", "test.c2", "test.undeclared"}); err != nil {
		t.Fatal(err)
	}
	for c, want := range map[string]int64{"test.c1": 0, "test.c2": 0, "test.c3": 2} {
		if n, err := s.Count(ctx, c, nil); err != nil || n != want {
			t.Errorf("after reset: %s holds %d, %v; want %d", c, n, err, want)
		}
	}
	for p, want := range map[string]uint64{"p1": 0, "p2": 20} {
		if cp, err := s.Checkpoint(ctx, p); err != nil || cp.Position != want {
			t.Errorf("after reset: checkpoint %s = %+v, %v; want %d", p, cp, err, want)
		}
	}
	write("p1", 1, "test.c1") // the collections stay declared for the rebuild
	if n, _ := s.Count(ctx, "test.c1", []application.Filter{f("n", "eq", 2)}); n != 1 {
		t.Errorf("rebuild after reset: count %d, want 1", n)
	}
}

// testConcurrentReaders checks that readers never see half a batch: every
// Apply writes a pair of documents, so any count a reader sees is even.
// Without transactions a reader may see a batch part way through its
// commit (its documents are written one by one); it still reads without
// errors while batches commit, and every batch lands whole.
func testConcurrentReaders(t *testing.T, s application.ReadModelStore, isolated bool) {
	ctx := context.Background()
	declare(t, s, bulk)
	const batches = 40
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				n, err := s.Count(ctx, bulk.Name, nil)
				if err != nil || (isolated && n%2 != 0) {
					t.Errorf("reader saw %d documents (%v): half a batch", n, err)
					return
				}
				if _, err := s.Find(ctx, bulk.Name, application.Query{Sort: []application.SortKey{desc("n")}, Limit: 3}); err != nil {
					t.Errorf("concurrent find: %v", err)
					return
				}
			}
		})
	}
	for i := range batches {
		apply(t, s, "pairs", uint64(i+1), func(tx application.ReadModelTx) error {
			return errorsOf(
				tx.Upsert(ctx, bulk.Name, fmt.Sprintf("a%03d", i), map[string]any{"n": i}),
				tx.Upsert(ctx, bulk.Name, fmt.Sprintf("b%03d", i), map[string]any{"n": i}))
		})
	}
	close(done)
	wg.Wait()
	if n, err := s.Count(ctx, bulk.Name, nil); err != nil || n != 2*batches {
		t.Fatalf("final count %d, %v; want %d", n, err, 2*batches)
	}
}
