package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Checkpoint saves share group commits with appends, including appends
// that fail on a duplicate id (the batch is then rerun with savepoints):
// every save is kept, every failed append writes nothing, and the saves
// add nothing to the feed.
func TestCheckpointsShareCommitsWithAppends(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := open(t)
	defer mustClose(t, s)
	if _, err := s.Append(ctx, "seed", domain.NoStream, events("dup", 1)); err != nil {
		t.Fatal(err)
	}
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			cp := application.Checkpoint{StoreID: "s", Position: uint64(i + 1), Hash: fmt.Sprint(i)}
			if err := s.SaveCheckpoint(ctx, fmt.Sprintf("c-%d", i), cp); err != nil {
				t.Error(err)
			}
			evs := events(fmt.Sprintf("e%d", i), 2)
			if i%2 == 1 {
				evs[1].ID = "dup-0"
			}
			if _, err := s.Append(ctx, fmt.Sprintf("s-%d", i), domain.NoStream, evs); (err != nil) != (i%2 == 1) ||
				err != nil && !errors.Is(err, domain.ErrConflict) {
				t.Errorf("append %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	for i := range n {
		want := application.Checkpoint{StoreID: "s", Position: uint64(i + 1), Hash: fmt.Sprint(i)}
		if got, err := s.LoadCheckpoint(ctx, fmt.Sprintf("c-%d", i)); err != nil || got != want {
			t.Fatalf("c-%d: %+v (%v), want %+v", i, got, err, want)
		}
	}
	if all, err := s.ReadAll(ctx, 0, 0); err != nil || len(all) != 1+n {
		t.Fatalf("the feed holds %d events (%v), want %d", len(all), err, 1+n)
	}
}
