package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// snapCounter is a counter that can be snapshotted; schema is its format.
type snapCounter struct {
	counter
	schema int
}

func (c *snapCounter) SnapshotSchema() int              { return c.schema }
func (c *snapCounter) MarshalSnapshot() ([]byte, error) { return json.Marshal(c.n) }
func (c *snapCounter) UnmarshalSnapshot(b []byte) error { return json.Unmarshal(b, &c.n) }

// readsFrom records the version every stream read started at.
type readsFrom struct {
	*memory.Store
	from []uint64
}

func (r *readsFrom) ReadStream(ctx context.Context, s string, from uint64, d application.Direction, limit int) ([]domain.Envelope, error) {
	r.from = append(r.from, from)
	return r.Store.ReadStream(ctx, s, from, d, limit)
}

func TestSnapshots(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events, snaps := &readsFrom{Store: memory.New()}, snapmemory.New()
	n := 0
	repo := func() *application.Repository { // a fresh one each time: an empty cache
		return application.NewRepository(events, registry(t), application.RepositoryOptions{
			NewID: func() string { n++; return fmt.Sprint("e", n) }, Snapshots: snaps, SnapshotEvery: 10,
			Logger: quietLogger,
		})
	}
	r := repo()
	for range 25 {
		c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
		if err := r.Load(ctx, c); err != nil {
			t.Fatal(err)
		}
		domain.Raise(c, incremented{By: 2})
		if _, err := r.Save(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if s, ok, _ := snaps.LoadSnapshot(ctx, "c"); !ok || s.Version != 20 || string(s.Data) != "40" {
		t.Fatalf("snapshot %+v, want version 20 holding 40", s)
	}
	load := func(schema int) *snapCounter {
		events.from = nil
		c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: schema}
		if err := repo().Load(ctx, c); err != nil || c.n != 50 || c.Version() != 25 {
			t.Fatalf("loaded n=%d at %d (%v), want 50 at 25", c.n, c.Version(), err)
		}
		return c
	}
	load(1)
	if events.from[0] != 20 {
		t.Fatalf("a load with a snapshot at 20 read from version %d, want 20 (the event it was taken after)", events.from[0])
	}
	load(2) // another snapshot format: ignored
	if events.from[0] > 1 {
		t.Fatalf("a snapshot of another schema was used: read from %d", events.from[0])
	}
	_ = snaps.SaveSnapshot(ctx, application.Snapshot{StreamID: "c", Version: 30, Schema: 1, Data: []byte("{broken")})
	load(1) // a broken snapshot: replay the stream instead
}

func registry(t *testing.T) *domain.EventRegistry {
	t.Helper()
	r := domain.NewEventRegistry()
	if err := domain.RegisterEvent[incremented](r, 1); err != nil {
		t.Fatal(err)
	}
	return r
}
