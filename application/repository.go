package application

import (
	"context"
	"log/slog"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Defaults of RepositoryOptions.
const (
	DefaultCachedStreams = 10_000
	DefaultSnapshotEvery = 500
)

// RepositoryOptions tune a Repository. Zero values take the defaults.
type RepositoryOptions struct {
	Clock func() time.Time
	// NewID makes event ids; required.
	NewID func() string
	// CachedStreams bounds the cache of stream states (one aggregate or
	// one snapshot each); negative: off.
	CachedStreams int
	// Snapshots stores snapshots of Snapshotter aggregates; nil: none.
	Snapshots SnapshotStore
	// SnapshotEvery: a snapshot is taken whenever an append crosses a
	// multiple of this stream version, and when a cached aggregate newer
	// than its last snapshot is evicted.
	SnapshotEvery int
	Logger        *slog.Logger
}

// Repository loads event-sourced aggregates from the event store and
// appends what they raised, stamping each event with the request's Meta.
//
// Commands on one stream are serialised inside the process (see
// AggregateHandler): each stream has a lock, held from load to append,
// and the aggregate a command leaves behind is kept for the next one, so
// a warm command costs the same on a long stream as on a short one. Every
// load still reads the events appended after the known state, so writes
// of other processes are never missed. A cached aggregate is never handed
// outside its stream's lock, and loads of a caller's own aggregate copy
// state through its encoded snapshot, so no two aggregates share state.
type Repository struct {
	store  EventStore
	events *domain.EventRegistry
	opts   RepositoryOptions
	cache  *streamCache
	// scoped: each tenant has its own streams (see streamOf).
	scoped bool
}

// streamOf is the id of the stream that holds a in the tenant ctx works
// in: a module's repository gives every tenant its own streams
// (TenantKey), so two tenants can use the same business key without
// seeing or blocking each other, and one can never load or append to
// the other's aggregate. Other repositories use a's id as it is.
func (r *Repository) streamOf(ctx context.Context, a domain.Aggregate) string {
	if !r.scoped {
		return a.Root().ID()
	}
	return TenantKey(TenantOf(ctx), a.Root().ID())
}

// NewRepository returns a repository over store that encodes and decodes
// events with events.
func NewRepository(store EventStore, events *domain.EventRegistry, opts RepositoryOptions) *Repository {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.CachedStreams == 0 {
		opts.CachedStreams = DefaultCachedStreams
	}
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Repository{store: store, events: events, opts: opts, cache: newStreamCache(opts.CachedStreams)}
}

// Load brings a, which the caller owns, up to the latest version of its
// stream. It never waits for a command on that stream: a command may load
// other aggregates while it decides, and two commands that load each
// other's must not wait for each other. While the stream is busy, Load
// reads the stored snapshot and events and leaves the cache alone.
func (r *Repository) Load(ctx context.Context, a domain.Aggregate) error {
	e := r.cache.hold(r.streamOf(ctx, a))
	defer r.drop(ctx, e)
	if !e.mu.TryLock() {
		_, err := r.current(ctx, &streamEntry{id: e.id}, a)
		return err
	}
	defer e.mu.Unlock()
	// Only an aggregate that came in new holds the stream's state after
	// the load: one loaded before has the stream replayed onto what it
	// had, and must not seed every later load and command of the stream.
	isNew := a.Root().Version() == 0 && len(a.Root().Pending()) == 0
	hash, err := r.current(ctx, e, a)
	if err != nil {
		return err
	}
	sa, ok := a.(domain.Snapshotter)
	if v := a.Root().Version(); ok && isNew && e.live == nil && v > 0 && (e.snapshot == nil || v > e.snapshot.Version) {
		// Keep the state encoded, so the next load copies it instead of
		// replaying the stream.
		if data, err := sa.MarshalSnapshot(); err == nil {
			e.snapshot = &Snapshot{StreamID: e.id, Version: v, EventHash: hash, Schema: sa.SnapshotSchema(), Data: data, TakenAt: r.opts.Clock()}
		}
	}
	return nil
}

// drop lets go of e, held without its lock, and snapshots what that
// evicted.
func (r *Repository) drop(ctx context.Context, e *streamEntry) {
	for _, v := range r.cache.drop(e) {
		r.snapshotEvicted(ctx, v)
	}
}

// Save appends a's pending events, expecting the stream to be at the
// version a was loaded at: the event store refuses them when another
// writer came first. Like Load it takes no stream lock; commands that
// follow read what it appended. With nothing pending it appends nothing
// and reports the current version.
func (r *Repository) Save(ctx context.Context, a domain.Aggregate) (Result, error) {
	return r.append(ctx, &streamEntry{id: r.streamOf(ctx, a)}, a)
}
