package application_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// brittleCounter is a counter whose snapshots panic, as a bug in an
// aggregate's MarshalSnapshot would.
type brittleCounter struct{ counter }

func (*brittleCounter) SnapshotSchema() int              { return 1 }
func (*brittleCounter) MarshalSnapshot() ([]byte, error) { panic("no snapshot today") }
func (*brittleCounter) UnmarshalSnapshot([]byte) error   { return nil }

// TestASnapshotThatPanicsDoesNotFailAStoredCommand: a snapshot is taken
// after the command's events are stored, on a crossing or on eviction;
// a panic there must not answer the stored command as failed, since its
// caller would send it again and it would be applied twice.
func TestASnapshotThatPanicsDoesNotFailAStoredCommand(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]application.RepositoryOptions{
		"on crossing": {SnapshotEvery: 1},
		"on eviction": {CachedStreams: -1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			events := memory.New()
			opts.NewID = func() string { return "e1" }
			opts.Snapshots = snapmemory.New()
			opts.Logger = quietLogger
			repo := application.NewRepository(events, registry(t), opts)
			create := application.AggregateHandler(repo, application.MustBeNew,
				func(increment) *brittleCounter { return &brittleCounter{counter{Base: domain.NewBase("c")}} },
				func(_ context.Context, a *brittleCounter, c increment) error {
					domain.Raise(a, incremented{By: c.By})
					return nil
				})
			res, err := func() (res application.Result, err error) {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("the command panicked: %v", p)
					}
				}()
				return create(context.Background(), increment{ID: "c", By: 1})
			}()
			if v, _ := events.StreamVersion(context.Background(), "c"); err != nil || res.Version != 1 || v != 1 {
				t.Fatalf("answered %+v (%v), stream at %d: want the stored command answered at 1", res, err, v)
			}
		})
	}
}

// TestAPanickingCommandLeavesNoSnapshot: with the cache off, the entry of
// a command that panicked after raising is evicted at once; the state it
// half-applied must not be saved as the stream's snapshot, where every
// later load, in any process, would start from it.
func TestAPanickingCommandLeavesNoSnapshot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events, snaps := memory.New(), snapmemory.New()
	appendFirst(t, events, "c", "seed", "counter.Incremented", `{"by":1}`)
	opts := application.RepositoryOptions{NewID: func() string { return "e" }, Snapshots: snaps, CachedStreams: -1,
		Logger: quietLogger}
	add := application.AggregateHandler(application.NewRepository(events, registry(t), opts), application.MustExist,
		func(increment) *snapCounter {
			return &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
		},
		func(_ context.Context, a *snapCounter, c increment) error {
			domain.Raise(a, incremented{By: c.By})
			panic("after raising")
		})
	func() {
		defer func() { _ = recover() }()
		_, _ = add(ctx, increment{ID: "c", By: 99})
	}()
	restarted := application.NewRepository(events, registry(t), opts)
	c := &snapCounter{counter: counter{Base: domain.NewBase("c")}, schema: 1}
	if err := restarted.Load(ctx, c); err != nil || c.n != 1 {
		t.Fatalf("loaded %d (%v), want 1: the seed only", c.n, err)
	}
}
