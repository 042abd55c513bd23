package application_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/domain"
)

// TestCachedSnapshotsReadOnlyLaterEvents: a load after a load starts from
// the state the first left in the cache and reads only the events after
// it, another writer's included; only a stored snapshot is checked
// against the event at its version.
func TestCachedSnapshotsReadOnlyLaterEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events := &readsFrom{Store: memory.New()}
	r := snapshotRepo(t, events, nil, 5)
	load := func(want int) []uint64 {
		t.Helper()
		c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
		events.from = nil
		if err := r.Load(ctx, c); err != nil || c.n != want || c.Version() != uint64(want) {
			t.Fatalf("loaded %d at version %d (%v), want %d", c.n, c.Version(), err, want)
		}
		return events.from
	}
	if from := load(5); from[0] != 1 {
		t.Fatalf("first load read from %v, want 1", from)
	}
	other := []domain.Envelope{{ID: "other-writer", Type: "counter.Incremented", SchemaVersion: 1, Data: []byte(`{"by":1}`)}}
	if _, err := events.Append(ctx, "c", 5, other); err != nil {
		t.Fatal(err)
	}
	if from := load(6); from[0] != 6 {
		t.Fatalf("second load read from %v, want 6: the cached state is at 5", from)
	}
}
