package application

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

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
	envs, err := r.envelopes(ctx, root.ID(), pending)
	if err != nil {
		return Result{}, err
	}
	stored, err := r.store.Append(ctx, root.ID(), domain.ExpectedVersion(root.Version()), envs)
	if err != nil {
		return Result{}, err
	}
	from := root.Version()
	last := stored[len(stored)-1]
	if known, ok := r.cache.get(root.ID()); ok && known.version == from {
		r.cache.extend(known, pending, last.StreamVersion)
	}
	root.Committed(last.StreamVersion)
	r.maybeSnapshot(ctx, a, from)
	res.Version, res.Position = last.StreamVersion, last.Position
	for _, e := range stored {
		res.Events = append(res.Events, e.ID)
	}
	return res, nil
}

// envelopes stamps events with ids, the clock and the request's Meta.
func (r *Repository) envelopes(ctx context.Context, stream string, events []domain.Event) ([]domain.Envelope, error) {
	meta := MetaFrom(ctx)
	causation := meta.CausationID
	if causation == "" {
		causation = meta.RequestID
	}
	now := r.opts.Clock()
	envs := make([]domain.Envelope, len(events))
	for i, e := range events {
		typ, ver, data, err := r.events.Encode(e)
		if err != nil {
			return nil, err
		}
		envs[i] = domain.Envelope{
			ID: r.opts.NewID(), Type: typ, SchemaVersion: ver, StreamID: stream,
			RecordedAt: now, Actor: meta.Actor, Tenant: meta.Tenant,
			CorrelationID: meta.CorrelationID, CausationID: causation,
			TraceContext: meta.TraceContext, Data: data,
		}
	}
	return envs, nil
}

// maybeSnapshot saves a snapshot of a when the append that took it from
// version from crossed a multiple of SnapshotEvery. The command has
// already succeeded, so a failure is only logged.
func (r *Repository) maybeSnapshot(ctx context.Context, a domain.Aggregate, from uint64) {
	sa, ok := a.(domain.Snapshotter)
	every := uint64(r.opts.SnapshotEvery)
	if !ok || r.opts.Snapshots == nil || a.Root().Version()/every == from/every {
		return
	}
	data, err := sa.MarshalSnapshot()
	if err == nil {
		snap := Snapshot{StreamID: a.Root().ID(), Version: a.Root().Version(), Schema: sa.SnapshotSchema(), Data: data, TakenAt: r.opts.Clock()}
		if err = r.opts.Snapshots.SaveSnapshot(ctx, snap); err == nil {
			r.cache.put(newCachedStream(snap.StreamID, &snap))
			return
		}
	}
	r.opts.Logger.WarnContext(ctx, "snapshot not saved", "stream", a.Root().ID(), "error", err)
}
