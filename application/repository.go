package application

import (
	"context"
	"fmt"
	"time"

	"github.com/webos-engine/webos/domain"
)

// DefaultCachedEvents bounds the repository's stream cache.
const DefaultCachedEvents = 200_000

// Repository loads event-sourced aggregates from the event store and
// appends what they raised, stamping each event with the request's Meta.
//
// It caches the decoded events of recently used streams, so a load reads
// from the store only what was appended since; the read still happens on
// every load, so appends by other processes are never missed. Aggregates'
// Apply methods must therefore treat events as read-only values.
type Repository struct {
	store  EventStore
	events *domain.EventRegistry
	clock  func() time.Time
	newID  func() string
	cache  *streamCache
}

// NewRepository returns a repository over store that decodes and encodes
// events with events and caches up to cachedEvents decoded events.
func NewRepository(store EventStore, events *domain.EventRegistry, clock func() time.Time, newID func() string, cachedEvents int) *Repository {
	return &Repository{store: store, events: events, clock: clock, newID: newID, cache: newStreamCache(cachedEvents)}
}

// Load replays every stored event of a's stream into a.
func (r *Repository) Load(ctx context.Context, a domain.Aggregate) error {
	id := a.Root().ID()
	cached, version := r.cache.get(id)
	stored, err := r.store.ReadStream(ctx, id, version+1, Forward, 0)
	if err != nil {
		return fmt.Errorf("load %s: %w", id, err)
	}
	fresh := make([]domain.Event, len(stored))
	for i := range stored {
		if fresh[i], err = r.events.Decode(&stored[i]); err != nil {
			return fmt.Errorf("load %s: %w", id, err)
		}
	}
	for i, ev := range cached {
		domain.Replay(a, ev, uint64(i+1))
	}
	for i, ev := range fresh {
		domain.Replay(a, ev, stored[i].StreamVersion)
	}
	if len(stored) > 0 {
		r.cache.extend(id, version, fresh, stored[len(stored)-1].StreamVersion)
	}
	return nil
}

// Save appends a's pending events, expecting the stream to be at the
// version a was loaded at. With nothing pending it appends nothing and
// reports the current version.
func (r *Repository) Save(ctx context.Context, a domain.Aggregate) (Result, error) {
	root := a.Root()
	res := Result{Stream: root.ID(), Version: root.Version(), Events: []string{}}
	pending := root.Pending()
	if len(pending) == 0 {
		return res, nil
	}
	meta := MetaFrom(ctx)
	causation := meta.CausationID
	if causation == "" {
		causation = meta.RequestID
	}
	now := r.clock()
	envs := make([]domain.Envelope, len(pending))
	for i, e := range pending {
		typ, ver, data, err := r.events.Encode(e)
		if err != nil {
			return Result{}, err
		}
		envs[i] = domain.Envelope{
			ID: r.newID(), Type: typ, SchemaVersion: ver, StreamID: root.ID(),
			RecordedAt: now, Actor: meta.Actor, Tenant: meta.Tenant,
			CorrelationID: meta.CorrelationID, CausationID: causation,
			TraceContext: meta.TraceContext, Data: data,
		}
	}
	stored, err := r.store.Append(ctx, root.ID(), domain.ExpectedVersion(root.Version()), envs)
	if err != nil {
		return Result{}, err
	}
	last := stored[len(stored)-1]
	r.cache.extend(root.ID(), root.Version(), pending, last.StreamVersion)
	root.Committed(last.StreamVersion)
	res.Version, res.Position = last.StreamVersion, last.Position
	for _, e := range stored {
		res.Events = append(res.Events, e.ID)
	}
	return res, nil
}
