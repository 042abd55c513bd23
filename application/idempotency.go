package application

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/webos-engine/webos/domain"
)

// A command with a command id (Meta.CommandID: the HTTP Idempotency-Key,
// or an id given from Go with WithCommandID) is idempotent. Its events get
// ids derived from the tenant, the command id and their index, so the
// event store's unique event ids keep a second append of the same command
// from writing, whatever process makes it and however much later: the
// store refuses it, or (KurrentDB) answers it with the events stored the
// first time, which appendKept accepts only if they are this command's. Before
// deciding, the repository looks the first of those ids up; when it is
// stored, the command is not decided again on the current state: its
// first result is answered.
//
// A command id reused for another command is refused rather than
// answered with the first command's result. The repository tells them
// apart by deciding the retried command again on the state the first one
// saw (the stream up to the version before its events) and comparing the
// events with the stored ones. That needs nothing stored beside the events,
// and holds as long as deciding is deterministic, which replaying already
// requires of aggregates.

// pageOfCommandEvents is how many events are read at a time while
// collecting the events of an answered command.
const pageOfCommandEvents = 64

// commandEventID is the id of the index-th event of the command with id
// commandID of tenant: the first 16 bytes of a SHA-256, formatted as a
// UUID (version 8, RFC 9562's custom form) like the engine's other ids.
func commandEventID(tenant, commandID string, index int) string {
	h := sha256.Sum256([]byte("webos/command-event\x00" + tenant + "\x00" + commandID + "\x00" + strconv.Itoa(index)))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// answered returns the first result of the command with id key when its
// events are stored (found), or an idempotency_key_reused error when they
// belong to another command. e's lock must be held.
func (r *Repository) answered(ctx context.Context, e *streamEntry, fresh func() domain.Aggregate, decide func(domain.Aggregate) error, key string) (res Result, found bool, err error) {
	tenant := MetaFrom(ctx).Tenant
	first, ok, err := r.store.EventByID(ctx, commandEventID(tenant, key, 0))
	if err != nil || !ok {
		return Result{}, false, err
	}
	if first.StreamID != e.id {
		return Result{}, true, keyReused(key)
	}
	var mine []domain.Envelope
	for from := first.StreamVersion; ; from += pageOfCommandEvents {
		page, err := r.readPage(ctx, e.id, from, pageOfCommandEvents)
		if err != nil {
			return Result{}, true, err
		}
		for _, ev := range page {
			if ev.ID != commandEventID(tenant, key, len(mine)) {
				page = nil // the command's events end here
				break
			}
			mine = append(mine, ev)
		}
		if len(page) < pageOfCommandEvents {
			break
		}
	}
	if err := r.sameDecision(ctx, e.id, fresh, decide, mine); err != nil {
		return Result{}, true, err
	}
	last := mine[len(mine)-1]
	res = Result{Stream: e.id, Version: last.StreamVersion, Position: last.Position, Events: make([]string, len(mine))}
	for i, ev := range mine {
		res.Events[i] = ev.ID
	}
	return res, true, nil
}

// sameDecision decides again on the state before stored, the events of
// an earlier command, and fails with keyReused unless that raises the
// same events.
func (r *Repository) sameDecision(ctx context.Context, stream string, fresh func() domain.Aggregate, decide func(domain.Aggregate) error, stored []domain.Envelope) error {
	a, key := fresh(), MetaFrom(ctx).CommandID
	if before := stored[0].StreamVersion - 1; before > 0 {
		page, err := r.readPage(ctx, stream, 1, int(before))
		if err != nil {
			return err
		}
		if _, err := r.replay(stream, a, page, ""); err != nil {
			return err
		}
	}
	if err := decide(a); isPanic(err) {
		return err // a bug to report as such, not the caller's mistake
	} else if err != nil {
		return keyReused(key)
	}
	pending := a.Root().Pending()
	if len(pending) != len(stored) {
		return keyReused(key)
	}
	for i := range stored {
		if same, err := r.sameEvent(&stored[i], pending[i], a.Root().PendingData()[i]); err != nil {
			return err
		} else if !same {
			return keyReused(key)
		}
	}
	return nil
}

// sameEvent reports whether stored is the event raised as ev (raw: its
// data as Raise took it): of the same type, with the same data once both
// are encoded by this program, whatever schema version stored was
// written with.
func (r *Repository) sameEvent(stored *domain.Envelope, ev domain.Event, raw json.RawMessage) (bool, error) {
	was, err := r.events.Decode(stored)
	if err != nil {
		return false, fmt.Errorf("load %s: %w", stored.StreamID, err)
	}
	typ, _, old, err1 := r.events.Encode(was)
	newTyp, _, now, err2 := r.events.EncodeRaised(ev, raw)
	return err1 == nil && err2 == nil && typ == newTyp && bytes.Equal(old, now), nil
}

func (r *Repository) readPage(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	page, err := r.store.ReadStream(ctx, stream, from, Forward, limit)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", stream, err)
	}
	return page, nil
}

func keyReused(key string) error {
	return domain.Errorf(domain.KindRejected, "idempotency_key_reused",
		"the command id %q was used before for a different command; use a new id for a new command", key)
}
