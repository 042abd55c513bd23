// Package snapshottest is the conformance suite every
// application.SnapshotStore adapter runs.
package snapshottest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
)

// Run checks the SnapshotStore contract against stores made by open.
func Run(t *testing.T, open func(t *testing.T) application.SnapshotStore) {
	ctx := context.Background()
	store := func(t *testing.T) application.SnapshotStore {
		s := open(t)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	t.Run("missing", func(t *testing.T) {
		if _, ok, err := store(t).LoadSnapshot(ctx, "nope"); ok || err != nil {
			t.Fatalf("ok %v, err %v", ok, err)
		}
	})
	t.Run("round trip", func(t *testing.T) {
		s := store(t)
		at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
		want := application.Snapshot{StreamID: "s-1", Version: 7, EventHash: "ab12", Schema: 2, Data: []byte(`{"a":1}`), TakenAt: at}
		if err := s.SaveSnapshot(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.LoadSnapshot(ctx, "s-1")
		if err != nil || !ok || got.Version != 7 || got.EventHash != "ab12" || got.Schema != 2 || string(got.Data) != `{"a":1}` || !got.TakenAt.Equal(at) {
			t.Fatalf("got %+v ok %v err %v", got, ok, err)
		}
	})
	t.Run("newest wins", func(t *testing.T) {
		s := store(t)
		var wg sync.WaitGroup
		for v := range 40 {
			wg.Go(func() {
				snap := application.Snapshot{StreamID: "s", Version: uint64(v + 1), Schema: 1, Data: fmt.Appendf(nil, "%d", v+1), TakenAt: time.Now()}
				if err := s.SaveSnapshot(ctx, snap); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if err := s.SaveSnapshot(ctx, application.Snapshot{StreamID: "s", Version: 3, Schema: 1, Data: []byte("3"), TakenAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.LoadSnapshot(ctx, "s")
		if err != nil || got.Version != 40 || string(got.Data) != "40" {
			t.Fatalf("got version %d data %s (%v), want the newest, 40", got.Version, got.Data, err)
		}
	})
	t.Run("claim", func(t *testing.T) {
		s := store(t)
		claim := func(id string, want int) {
			t.Helper()
			if n, err := s.Claim(ctx, id); err != nil || n != want {
				t.Fatalf("Claim(%s) = %d, %v; want %d discarded", id, n, err, want)
			}
		}
		claim("store-a", 0)
		for _, stream := range []string{"s-1", "s-2"} {
			if err := s.SaveSnapshot(ctx, application.Snapshot{StreamID: stream, Version: 3, Schema: 1, Data: []byte("{}"), TakenAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		claim("store-a", 0) // the same store: kept
		if _, ok, err := s.LoadSnapshot(ctx, "s-1"); !ok || err != nil {
			t.Fatalf("the owner's claim dropped a snapshot: %v, %v", ok, err)
		}
		claim("store-b", 2) // another store: they describe streams it does not hold
		if _, ok, err := s.LoadSnapshot(ctx, "s-2"); ok || err != nil {
			t.Fatalf("a snapshot of another store survived its claim: %v, %v", ok, err)
		}
		claim("store-b", 0)
	})
}
