// Package checkpointtest is the conformance suite for
// application.CheckpointStore: every adapter runs Run (and, when it
// outlives its process, RunDurable) from its own tests.
package checkpointtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Store is a CheckpointStore the suite can close: the event stores that
// implement the port are closed as stores.
type Store interface {
	application.CheckpointStore
	Close() error
}

// Run checks the store contract. open must return a new, empty store for
// each subtest; Run closes it when the subtest ends.
func Run(t *testing.T, open func(t *testing.T) Store) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, application.CheckpointStore)
	}{
		{"SaveAndLoad", testSaveAndLoad},
		{"ConsumersAreIndependent", testConsumersAreIndependent},
		{"InvalidInput", testInvalidInput},
		{"CancelledContext", testCancelledContext},
		{"ConcurrentConsumers", testConcurrentConsumers},
		{"OutsideTheFeed", testOutsideTheFeed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { closeStore(t, s) })
			tc.fn(t, s)
		})
	}
}

// RunDurable checks that saved checkpoints survive a reopen. open must
// open (creating it the first time) the store called name; different
// names are different stores.
func RunDurable(t *testing.T, open func(t *testing.T, name string) Store) {
	t.Run("SurvivesReopen", func(t *testing.T) {
		s := open(t, "a")
		cp := application.Checkpoint{StoreID: "store-1", Position: 41, Hash: "v2:abc"}
		save(t, s, "forwarder", cp)
		closeStore(t, s)
		again, other := open(t, "a"), open(t, "b")
		defer closeStore(t, again)
		defer closeStore(t, other)
		if got := load(t, again, "forwarder"); got != cp {
			t.Fatalf("after reopen: %+v, want %+v", got, cp)
		}
		if got := load(t, other, "forwarder"); got != (application.Checkpoint{}) {
			t.Fatalf("another store holds %+v", got)
		}
	})
}

func closeStore(t *testing.T, s Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
}

func save(t *testing.T, s application.CheckpointStore, consumer string, cp application.Checkpoint) {
	t.Helper()
	if err := s.SaveCheckpoint(context.Background(), consumer, cp); err != nil {
		t.Fatalf("save %s: %v", consumer, err)
	}
}

func load(t *testing.T, s application.CheckpointStore, consumer string) application.Checkpoint {
	t.Helper()
	cp, err := s.LoadCheckpoint(context.Background(), consumer)
	if err != nil {
		t.Fatalf("load %s: %v", consumer, err)
	}
	return cp
}

// testSaveAndLoad: a consumer without a checkpoint loads the zero one; a
// save replaces the last, with every field kept exactly (the largest
// position a store hands out, text that is not ASCII); saving the zero
// checkpoint starts the consumer over.
func testSaveAndLoad(t *testing.T, s application.CheckpointStore) {
	if got := load(t, s, "bus.forwarder"); got != (application.Checkpoint{}) {
		t.Fatalf("a new consumer loads %+v, want the zero checkpoint", got)
	}
	for _, cp := range []application.Checkpoint{
		{StoreID: "3f2a", Position: 1, Hash: "v2:00ff"},
		{StoreID: "3f2a", Position: 1 << 40, Hash: "v2:01"},
		{StoreID: "ünï-😀", Position: math.MaxInt64, Hash: "h é"},
		{},
	} {
		save(t, s, "bus.forwarder", cp)
		if got := load(t, s, "bus.forwarder"); got != cp {
			t.Fatalf("saved %+v, loaded %+v", cp, got)
		}
	}
}

func testConsumersAreIndependent(t *testing.T, s application.CheckpointStore) {
	a := application.Checkpoint{StoreID: "s", Position: 7, Hash: "a"}
	b := application.Checkpoint{StoreID: "s", Position: 9, Hash: "b"}
	long := strings.Repeat("é", application.MaxConsumerName/2)
	save(t, s, "saga.orders", a)
	save(t, s, long, b)
	save(t, s, "Saga.Orders", b)
	if got := load(t, s, "saga.orders"); got != a {
		t.Fatalf("saga.orders: %+v, want %+v", got, a)
	}
	if got := load(t, s, long); got != b {
		t.Fatalf("a %d-byte name: %+v, want %+v", len(long), got, b)
	}
	save(t, s, "saga.orders", application.Checkpoint{})
	if got := load(t, s, "Saga.Orders"); got != b {
		t.Fatalf("resetting saga.orders changed Saga.Orders to %+v", got)
	}
}

// testInvalidInput: what CheckCheckpoint refuses is a KindInvalid error,
// and nothing is saved.
func testInvalidInput(t *testing.T, s application.CheckpointStore) {
	ctx := context.Background()
	good := application.Checkpoint{StoreID: "s", Position: 3, Hash: "h"}
	save(t, s, "c", good)
	for name, c := range map[string]struct {
		consumer string
		cp       application.Checkpoint
	}{
		"empty name":       {"", good},
		"name too long":    {strings.Repeat("x", application.MaxConsumerName+1), good},
		"NUL in name":      {"c\x00", good},
		"name not UTF-8":   {"c\xff", good},
		"NUL in store id":  {"c", application.Checkpoint{StoreID: "s\x00", Position: 4, Hash: "h"}},
		"hash not UTF-8":   {"c", application.Checkpoint{StoreID: "s", Position: 4, Hash: "\xfe"}},
		"position too big": {"c", application.Checkpoint{StoreID: "s", Position: math.MaxInt64 + 1, Hash: "h"}},
	} {
		if err := s.SaveCheckpoint(ctx, c.consumer, c.cp); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: save err %v, want invalid", name, err)
		}
	}
	for _, name := range []string{"", "c\x00", strings.Repeat("x", application.MaxConsumerName+1)} {
		if _, err := s.LoadCheckpoint(ctx, name); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("load %q: err %v, want invalid", name, err)
		}
	}
	if got := load(t, s, "c"); got != good {
		t.Fatalf("after refused saves: %+v, want %+v", got, good)
	}
}

func testCancelledContext(t *testing.T, s application.CheckpointStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.SaveCheckpoint(ctx, "c", application.Checkpoint{StoreID: "s", Position: 1, Hash: "h"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("save with a cancelled context: err %v, want context.Canceled", err)
	}
	if got := load(t, s, "c"); got != (application.Checkpoint{}) {
		t.Fatalf("a cancelled save stored %+v", got)
	}
}

// testConcurrentConsumers: consumers saving at once never see each
// other's checkpoints; each loads its own last save.
func testConcurrentConsumers(t *testing.T, s application.CheckpointStore) {
	const consumers, saves = 16, 20
	var wg sync.WaitGroup
	for c := range consumers {
		wg.Go(func() {
			name := fmt.Sprintf("consumer-%d", c)
			for i := range saves {
				cp := application.Checkpoint{StoreID: "s", Position: uint64(c*1000 + i + 1), Hash: name}
				if err := s.SaveCheckpoint(context.Background(), name, cp); err != nil {
					t.Error(err)
					return
				}
				if got, err := s.LoadCheckpoint(context.Background(), name); err != nil || got != cp {
					t.Errorf("%s loaded %+v (%v) after saving %+v", name, got, err, cp)
					return
				}
			}
		})
	}
	wg.Wait()
}

// testOutsideTheFeed: in a store that is also the event store, saved
// checkpoints are no events: the feed, which every consumer reads, shows
// none of them, and its head stays where it was.
func testOutsideTheFeed(t *testing.T, s application.CheckpointStore) {
	events, ok := s.(application.EventStore)
	if !ok {
		t.Skip("not an event store")
	}
	ctx := context.Background()
	for i := range 3 {
		save(t, s, fmt.Sprintf("c-%d", i), application.Checkpoint{StoreID: "s", Position: uint64(i + 1), Hash: "h"})
	}
	head, err := events.Head(ctx)
	if err != nil || head != 0 {
		t.Fatalf("head after saving checkpoints in an empty store: %d, %v; want 0", head, err)
	}
	if all, err := events.ReadAll(ctx, 0, 0); err != nil || len(all) != 0 {
		t.Fatalf("the feed holds %d events (%v) after saving checkpoints, want none", len(all), err)
	}
}
