package application

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Defaults of RepositoryOptions.
const (
	DefaultCachedEvents  = 200_000
	DefaultSnapshotEvery = 500
)

// RepositoryOptions tune a Repository. Zero values take the defaults.
type RepositoryOptions struct {
	Clock func() time.Time
	// NewID makes event ids; required.
	NewID func() string
	// CachedEvents bounds the cache of decoded streams; negative: off.
	CachedEvents int
	// Snapshots stores snapshots of Snapshotter aggregates; nil: none.
	Snapshots SnapshotStore
	// SnapshotEvery: a snapshot is taken whenever an append crosses a
	// multiple of this stream version.
	SnapshotEvery int
	Logger        *slog.Logger
}

// Repository loads event-sourced aggregates from the event store and
// appends what they raised, stamping each event with the request's Meta.
//
// Loading starts from the best known state: the cache of recently used
// streams, else the aggregate's snapshot (for domain.Snapshotter
// aggregates), else the stream's start; then it reads from the store every
// event after that state, so appends by other processes are never missed.
// Cached events are shared between loads: Apply must treat events as
// read-only values.
type Repository struct {
	store  EventStore
	events *domain.EventRegistry
	opts   RepositoryOptions
	cache  *streamCache
}

// NewRepository returns a repository over store that encodes and decodes
// events with events.
func NewRepository(store EventStore, events *domain.EventRegistry, opts RepositoryOptions) *Repository {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.CachedEvents == 0 {
		opts.CachedEvents = DefaultCachedEvents
	}
	if opts.SnapshotEvery <= 0 {
		opts.SnapshotEvery = DefaultSnapshotEvery
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Repository{store: store, events: events, opts: opts, cache: newStreamCache(opts.CachedEvents)}
}

// Load brings a up to the latest version of its stream.
func (r *Repository) Load(ctx context.Context, a domain.Aggregate) error {
	id := a.Root().ID()
	known, cached := r.known(ctx, a)
	stored, err := r.store.ReadStream(ctx, id, known.version+1, Forward, 0)
	if err != nil {
		return fmt.Errorf("load %s: %w", id, err)
	}
	fresh := make([]domain.Event, len(stored))
	for i := range stored {
		if fresh[i], err = r.events.Decode(&stored[i]); err != nil {
			return fmt.Errorf("load %s: %w", id, err)
		}
		domain.Replay(a, fresh[i], stored[i].StreamVersion)
	}
	if len(stored) > 0 {
		r.cache.extend(known, fresh, stored[len(stored)-1].StreamVersion)
	} else if !cached && known.version > 0 {
		r.cache.put(known)
	}
	return nil
}

// known restores a from the cache or else a snapshot, and returns that
// state and whether it came from the cache.
func (r *Repository) known(ctx context.Context, a domain.Aggregate) (cachedStream, bool) {
	id := a.Root().ID()
	known, cached := r.cache.get(id)
	if !cached {
		known = newCachedStream(id, r.snapshot(ctx, a))
	}
	if known.snapshot != nil {
		if err := domain.Restore(a.(domain.Snapshotter), known.snapshot.Data, known.snapshot.Version); err != nil {
			// UnmarshalSnapshot leaves the state alone on error: replay
			// the whole stream instead.
			r.opts.Logger.WarnContext(ctx, "snapshot unusable; replaying the stream", "stream", id, "error", err)
			return cachedStream{id: id}, false
		}
	}
	for i, ev := range known.events {
		domain.Replay(a, ev, known.base()+uint64(i)+1)
	}
	return known, cached
}

// snapshot returns a usable stored snapshot of a, or nil. A failure to
// read one is logged, not returned: the stream alone is enough.
func (r *Repository) snapshot(ctx context.Context, a domain.Aggregate) *Snapshot {
	sa, ok := a.(domain.Snapshotter)
	if !ok || r.opts.Snapshots == nil {
		return nil
	}
	snap, ok, err := r.opts.Snapshots.LoadSnapshot(ctx, a.Root().ID())
	if err != nil {
		r.opts.Logger.WarnContext(ctx, "snapshot unreadable; replaying the stream", "stream", a.Root().ID(), "error", err)
	}
	if !ok || err != nil || snap.Schema != sa.SnapshotSchema() {
		return nil
	}
	return &snap
}

// newCachedStream is the state a snapshot gives, or the empty stream.
func newCachedStream(id string, snap *Snapshot) cachedStream {
	s := cachedStream{id: id, snapshot: snap}
	if snap != nil {
		s.version = snap.Version
	}
	return s
}
