package application

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"

	"github.com/webos-engine/webos/domain"
)

// append stores a's pending events, expecting the stream to be at the
// version a was loaded at, and takes a snapshot when one is due. e's lock
// must be held.
func (r *Repository) append(ctx context.Context, e *streamEntry, a domain.Aggregate) (Result, error) {
	root := a.Root()
	res := Result{Stream: e.id, Version: root.Version(), Events: []string{}}
	pending := root.Pending()
	if len(pending) == 0 {
		return res, nil
	}
	envs, err := r.envelopes(ctx, e.id, pending, root.PendingData())
	if err != nil {
		return Result{}, err
	}
	stored, err := r.appendKept(ctx, e.id, domain.ExpectedVersion(root.Version()), envs, pending, root.PendingData())
	if err != nil {
		return Result{}, err
	}
	from := root.Version()
	last := stored[len(stored)-1]
	root.Committed(last.StreamVersion)
	if e.live == a {
		e.liveHash = last.Hash
	}
	r.maybeSnapshot(ctx, e, a, from, last.Hash)
	res.Version, res.Position = last.StreamVersion, last.Position
	for _, s := range stored {
		res.Events = append(res.Events, s.ID)
	}
	return res, nil
}

// envelopes stamps events, stored as data (their JSON as Raise took it),
// with ids, the clock and the request's Meta.
func (r *Repository) envelopes(ctx context.Context, stream string, events []domain.Event, data []json.RawMessage) ([]domain.Envelope, error) {
	meta := MetaFrom(ctx)
	causation := meta.CausationID
	if causation == "" {
		causation = meta.RequestID
	}
	now := r.opts.Clock()
	envs := make([]domain.Envelope, len(events))
	for i, e := range events {
		typ, ver, data, err := r.events.EncodeRaised(e, data[i])
		if err != nil {
			return nil, err
		}
		var id string
		if meta.CommandID != "" {
			id = commandEventID(meta.Tenant, meta.CommandID, i)
		} else {
			id = r.opts.NewID()
		}
		envs[i] = domain.Envelope{
			ID: id, Type: typ, SchemaVersion: ver, StreamID: stream,
			RecordedAt: now, Actor: meta.Actor, Tenant: meta.Tenant,
			CorrelationID: meta.CorrelationID, CausationID: causation,
			TraceContext: meta.TraceContext, Data: data,
		}
	}
	return envs, nil
}

// appendKept appends envs, encoded from events (raw: their data as Raise
// took it), and checks that the store answered with them. A store may
// answer an append whose ids it holds already, right after the same
// version, with the events it stored then (see EventStore): ids derived
// from a command id make that happen when two processes run one keyed
// command at once, and the first one stored may be another command under
// the same id. Such an answer counts as the command's result only if it
// holds the same events.
func (r *Repository) appendKept(ctx context.Context, stream string, expected domain.ExpectedVersion,
	envs []domain.Envelope, events []domain.Event, raw []json.RawMessage) ([]domain.Envelope, error) {
	stored, err := r.store.Append(ctx, stream, expected, envs)
	if err != nil {
		return nil, err
	}
	if len(stored) != len(envs) {
		return nil, fmt.Errorf("append to %s: the event store answered %d events for %d", stream, len(stored), len(envs))
	}
	for i := range stored {
		if stored[i].ID != envs[i].ID {
			return nil, fmt.Errorf("append to %s: the event store answered event %s for %s", stream, stored[i].ID, envs[i].ID)
		}
		if stored[i].Type == envs[i].Type && bytes.Equal(stored[i].Data, envs[i].Data) {
			continue
		}
		if same, err := r.sameEvent(&stored[i], events[i], raw[i]); err != nil || !same {
			if key := MetaFrom(ctx).CommandID; key != "" && err == nil {
				err = keyReused(key)
			}
			return nil, cmp.Or(err, fmt.Errorf("append to %s: the event store holds event %s with other data", stream, envs[i].ID))
		}
	}
	return stored, nil
}
