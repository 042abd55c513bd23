package application

import (
	"context"
	"fmt"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Repository loads event-sourced aggregates from the event store and
// appends what they raised, stamping each event with the request's Meta.
type Repository struct {
	store  EventStore
	events *domain.EventRegistry
	clock  func() time.Time
	newID  func() string
}

// NewRepository returns a repository over store that decodes and encodes
// events with events.
func NewRepository(store EventStore, events *domain.EventRegistry, clock func() time.Time, newID func() string) *Repository {
	return &Repository{store: store, events: events, clock: clock, newID: newID}
}

// Load replays every stored event of a's stream into a.
func (r *Repository) Load(ctx context.Context, a domain.Aggregate) error {
	stored, err := r.store.ReadStream(ctx, a.Root().ID(), 0, Forward, 0)
	if err != nil {
		return fmt.Errorf("load %s: %w", a.Root().ID(), err)
	}
	for i := range stored {
		ev, err := r.events.Decode(&stored[i])
		if err != nil {
			return fmt.Errorf("load %s: %w", a.Root().ID(), err)
		}
		domain.Replay(a, ev, stored[i].StreamVersion)
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
	root.Committed(last.StreamVersion)
	res.Version, res.Position = last.StreamVersion, last.Position
	for _, e := range stored {
		res.Events = append(res.Events, e.ID)
	}
	return res, nil
}
