package application

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/webos-engine/webos/domain"
)

// BusHandler reacts to one stored event delivered by the bus. Delivery is
// at least once and, across topics, in any order: the same event can
// arrive again (a redelivery, the forwarder resending after a crash) and
// a handler must change nothing the second time. The inbox helpers below
// give it that property; a handler that fails is retried, then parked as
// a poison message that an operator can replay.
type BusHandler func(ctx context.Context, e domain.Envelope) error

// BusConsumer is one reader of the bus: a name, which is its consumer
// group and the key of its inbox records, the event types it reads, and
// its handler.
type BusConsumer struct {
	Name   string
	Types  []string
	Handle BusHandler
}

// InboxCollection is the read-model collection that holds the inbox
// records of consumers whose effects are read-model writes.
const InboxCollection = "bus_inbox"

// InboxSpec declares InboxCollection.
var InboxSpec = CollectionSpec{Name: InboxCollection, Fields: []FieldSpec{
	{Name: "consumer", Type: String}, {Name: "eventId", Type: String},
}}

// InboxInReadModels makes fn, whose effects are writes to the read-model
// store, idempotent: the record that consumer processed the event is
// written in the same Apply (one transaction, or a position-guarded batch)
// as fn's writes, and an event already recorded is skipped. Nothing is
// kept in memory, so this holds across restarts and processes.
//
// That is exact on a store with transactions. A store without them (a
// standalone MongoDB) commits the documents one by one and guards them by
// event position, which bus delivery does not follow: a consumer there
// should keep its inbox in the event store (InboxInEventStore).
//
// The consumer's Apply also records the event's position and hash as the
// checkpoint named "bus.<consumer>", which tells how far it has seen
// (informative only: bus delivery is not in position order).
func InboxInReadModels(store ReadModelStore, consumer string, fn func(ctx context.Context, tx ReadModelTx, e domain.Envelope) error) BusHandler {
	var declare sync.Once
	var declared error
	return func(ctx context.Context, e domain.Envelope) error {
		declare.Do(func() { declared = store.Declare(ctx, InboxSpec) })
		if declared != nil {
			return declared
		}
		id := consumer + ":" + e.ID
		at := Checkpoint{Position: e.Position, Hash: e.Hash}
		return store.Apply(ctx, "bus."+consumer, at, func(tx ReadModelTx) error {
			_, err := tx.Get(ctx, InboxCollection, id)
			switch {
			case err == nil:
				return nil // processed before
			case !errors.Is(err, domain.ErrNotFound):
				return err
			}
			if err := fn(ctx, tx, e); err != nil {
				return err
			}
			return tx.Upsert(ctx, InboxCollection, id, map[string]any{
				"consumer": consumer, "eventId": e.ID, "processedAt": time.Now().UTC().Format(time.RFC3339Nano),
			})
		})
	}
}

// InboxEventID is the id of the index-th event that consumer appends in
// reaction to the message with id messageID: the first 16 bytes of a
// SHA-256, formatted as a UUID (version 8), like the ids of idempotent
// commands. A redelivered message yields the same ids, so the event
// store refuses its second append as a duplicate.
func InboxEventID(consumer, messageID string, index int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "webos/inbox-event\x00%s\x00%s\x00%d", consumer, messageID, index))
	b := h[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// InboxInEventStore makes fn, whose effect is one append to the event
// store, idempotent: fn gives the events it appends the ids from ids
// (InboxEventID of consumer and the event), so the event store itself is
// the inbox. A redelivery's append fails with a duplicate_event conflict,
// which means the event was processed before: it is success. fn must
// append all its events in one Append, so that a first attempt either
// stored all of them or none.
func InboxInEventStore(consumer string, fn func(ctx context.Context, e domain.Envelope, ids func(index int) string) error) BusHandler {
	return func(ctx context.Context, e domain.Envelope) error {
		err := fn(ctx, e, func(i int) string { return InboxEventID(consumer, e.ID, i) })
		if hasCode(err, "duplicate_event") {
			return nil
		}
		return err
	}
}
