package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// SkipStream is the engine's own stream of operator decisions about
// projections. Its events are in the global feed like any other, audited
// and hash-chained; projections do not handle their type, so they only
// move checkpoints past them.
const SkipStream = "$engine.projections"

// SkipType is the type of the event that records a skip.
const SkipType = "engine.ProjectionEventSkipped"

// skipRecord is the data of a SkipType event. The skipped event's hash is
// kept so that the skip applies to that event only: if the store is ever
// replaced, another event given the same position is applied as usual.
type skipRecord struct {
	Projection string `json:"projection"`
	Position   uint64 `json:"position"`
	EventID    string `json:"eventId"`
	EventType  string `json:"eventType"`
	Hash       string `json:"hash"`
	Reason     string `json:"reason,omitempty"`
}

// Skip records in SkipStream that projection name must pass over the event
// at position, which it cannot apply, and returns the recorded event. The
// projection resumes after it the next time it starts. Only an event the
// projection handles and has not yet applied can be skipped. Nothing may
// run the projection meanwhile (the CLI holds the data dir's lock).
func (rt *Runtime) Skip(ctx context.Context, name string, position uint64, actor, reason, id string) (domain.Envelope, error) {
	r := rt.runner(name)
	if r == nil {
		return domain.Envelope{}, domain.Errorf(domain.KindNotFound, "unknown_projection", "there is no projection %q", name)
	}
	evs, err := rt.events.ReadAll(ctx, position-min(position, 1), 1)
	if err != nil {
		return domain.Envelope{}, err
	}
	if position == 0 || len(evs) == 0 || evs[0].Position != position {
		return domain.Envelope{}, domain.Errorf(domain.KindInvalid, "no_such_position", "the event store has no event at position %d", position)
	}
	ev := evs[0]
	if !r.p.Handles(ev.Type) {
		return domain.Envelope{}, domain.Errorf(domain.KindRejected, "not_handled",
			"projection %s does not apply %s events; there is nothing to skip at position %d", name, ev.Type, position)
	}
	cp, err := rt.store.Checkpoint(ctx, r.key())
	if err != nil {
		return domain.Envelope{}, err
	}
	if cp.Position >= position {
		return domain.Envelope{}, domain.Errorf(domain.KindRejected, "already_applied",
			"projection %s is already at position %d, past %d", name, cp.Position, position)
	}
	data, err := json.Marshal(skipRecord{Projection: name, Position: position, EventID: ev.ID, EventType: ev.Type, Hash: ev.Hash, Reason: reason})
	if err != nil {
		return domain.Envelope{}, err
	}
	out, err := rt.events.Append(ctx, SkipStream, domain.AnyVersion, []domain.Envelope{{
		ID: id, Type: SkipType, SchemaVersion: 1, RecordedAt: time.Now().UTC(), Actor: actor, Data: data,
	}})
	if err != nil {
		return domain.Envelope{}, fmt.Errorf("record the skip: %w", err)
	}
	return out[0], nil
}

// skips returns the events projection name was told to skip: position ->
// hash.
func (rt *Runtime) skips(ctx context.Context, name string) (map[uint64]string, error) {
	recorded, err := rt.events.ReadStream(ctx, SkipStream, 0, application.Forward, 0)
	if err != nil {
		return nil, err
	}
	out := map[uint64]string{}
	for _, e := range recorded {
		var rec skipRecord
		if e.Type != SkipType || json.Unmarshal(e.Data, &rec) != nil || rec.Projection != name {
			continue
		}
		out[rec.Position] = rec.Hash
	}
	return out, nil
}
