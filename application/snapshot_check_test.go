package application_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// snapshotRepo is a repository with snapshots every 2 versions over
// events, which holds counter "c" with n increments of 1.
func snapshotRepo(t *testing.T, events *readsFrom, snaps application.SnapshotStore, n int) *application.Repository {
	t.Helper()
	ids := 0
	r := application.NewRepository(events, registry(t), application.RepositoryOptions{
		NewID: func() string { ids++; return fmt.Sprint("e", ids) }, Snapshots: snaps, SnapshotEvery: 2,
		Logger: quietLogger,
	})
	for range n {
		envs := []domain.Envelope{{ID: fmt.Sprint("seed-", events.count()), Type: "counter.Incremented", SchemaVersion: 1, Data: []byte(`{"by":1}`)}}
		if _, err := events.Append(context.Background(), "c", domain.AnyVersion, envs); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func (r *readsFrom) count() int {
	v, _ := r.StreamVersion(context.Background(), "c")
	return int(v)
}

// TestCachedSnapshotsAreChecked: the state a load leaves in the cache is
// used again only by an aggregate that can restore it, in the same
// snapshot schema.
func TestCachedSnapshotsAreChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events := &readsFrom{Store: memory.New()}
	r := snapshotRepo(t, events, snapmemory.New(), 5)
	c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
	if err := r.Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	domain.Raise(c, incremented{By: 1})
	if _, err := r.Save(ctx, c); err != nil { // version 6: a snapshot
		t.Fatal(err)
	}
	if err := r.Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	plain := &counter{Base: domain.NewBase("c")} // no Snapshotter: must not panic
	if err := r.Load(ctx, plain); err != nil || plain.n != 6 {
		t.Fatalf("plain counter at %d (%v), want 6", plain.n, err)
	}
	events.from = nil
	other := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 2}
	if err := r.Load(ctx, other); err != nil || other.n != 6 || events.from[0] != 1 {
		t.Fatalf("schema 2 counter at %d (%v) read from %v, want 6 by a full replay", other.n, err, events.from)
	}
}

// TestSnapshotsOfAnotherHistoryAreDiscarded: a snapshot newer than the
// stream (the events restored from an older backup), or whose event hash
// does not match, or that has no hash, is not used; the stream is
// replayed and commands work.
func TestSnapshotsOfAnotherHistoryAreDiscarded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, snap := range map[string]application.Snapshot{
		"newer than the stream": {StreamID: "c", Version: 9, EventHash: "x", Schema: 1, Data: []byte("900")},
		"other event hash":      {StreamID: "c", Version: 3, EventHash: "x", Schema: 1, Data: []byte("900")},
		"no hash (old row)":     {StreamID: "c", Version: 3, Schema: 1, Data: []byte("900")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			events, snaps := &readsFrom{Store: memory.New()}, snapmemory.New()
			r := snapshotRepo(t, events, snaps, 5)
			if err := snaps.SaveSnapshot(ctx, snap); err != nil {
				t.Fatal(err)
			}
			c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
			if err := r.Load(ctx, c); err != nil || c.n != 5 || c.Version() != 5 {
				t.Fatalf("loaded %d at version %d (%v), want 5 at 5", c.n, c.Version(), err)
			}
			domain.Raise(c, incremented{By: 1})
			if res, err := r.Save(ctx, c); err != nil || res.Version != 6 {
				t.Fatalf("append after the load: %+v %v", res, err)
			}
		})
	}
}

// TestSnapshotsRecordTheirEventHash: a snapshot taken by the repository
// carries the hash of the event at its version, and is used on load.
func TestSnapshotsRecordTheirEventHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events, snaps := &readsFrom{Store: memory.New()}, snapmemory.New()
	r := snapshotRepo(t, events, snaps, 1)
	c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
	if err := r.Load(ctx, c); err != nil {
		t.Fatal(err)
	}
	domain.Raise(c, incremented{By: 1})
	if _, err := r.Save(ctx, c); err != nil {
		t.Fatal(err)
	}
	snap, ok, err := snaps.LoadSnapshot(ctx, "c")
	last, _ := events.ReadStream(ctx, "c", 2, application.Forward, 1)
	if err != nil || !ok || snap.Version != 2 || len(last) != 1 || snap.EventHash != last[0].Hash {
		t.Fatalf("snapshot %+v (%v), want version 2 with the hash of event 2", snap, err)
	}
	events.from = nil
	fresh := snapshotRepo(t, events, snaps, 0)
	c = &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
	if err := fresh.Load(ctx, c); err != nil || c.n != 2 || events.from[0] != 2 {
		t.Fatalf("loaded %d (%v) reading from %v, want 2 from the snapshot", c.n, err, events.from)
	}
}

// TestLoadingAnAggregateTwiceLeavesTheCacheTrue: a caller that loads the
// same aggregate again when nothing is cached (here evicted, with no
// snapshot store), so that the stream is replayed onto state it already
// has, gets what it asked for; but that state must not become what the
// next load or command of the stream starts from.
func TestLoadingAnAggregateTwiceLeavesTheCacheTrue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events := &readsFrom{Store: memory.New()}
	snapshotRepo(t, events, nil, 1) // only to seed c
	repo := application.NewRepository(events, registry(t), application.RepositoryOptions{NewID: func() string { return "" }, CachedStreams: 1})
	reused := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
	for _, id := range []string{"c", "d", "c"} { // d evicts c
		a := &snapCounter{counter: counter{Base: domain.NewBase(id)}, schema: 1}
		if id == "c" {
			a = reused
		}
		if err := repo.Load(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
	if err := repo.Load(ctx, c); err != nil || c.n != 1 {
		t.Fatalf("a new aggregate loaded %d (%v), want 1: the stream holds one increment", c.n, err)
	}
}
