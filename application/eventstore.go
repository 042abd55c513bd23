package application

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// Direction is the order in which a stream is read.
type Direction int

const (
	// Forward reads from old to new.
	Forward Direction = iota
	// Backward reads from new to old.
	Backward
)

// EventStore is the source of truth: an append-only log of streams, each a
// hash chain, plus one global feed ordered by position.
//
// Contract, checked by adapters/eventstore/eventstoretest for every adapter:
//   - Append is atomic: all events or none. It fails with a
//     domain.KindConflict error (domain.VersionConflict) when expected does
//     not match, and the store itself guarantees one event per
//     (stream, version) even across processes: no read-then-write race.
//   - Append assigns StreamVersion, Position, PrevHash and Hash (via
//     domain.Chain) and returns the stored envelopes; ID, Type,
//     SchemaVersion, RecordedAt, Data and the metadata are kept as given.
//     An event ID already stored is a KindConflict error
//     ("duplicate_event"), so ids derived from an idempotency key make a
//     retried append fail instead of writing twice; EventByID finds the
//     event that holds an id.
//   - Positions are strictly increasing in commit order, start at 1, and a
//     reader never sees position p+k before every committed position up to
//     p+k is visible.
//   - StoreID is fixed when the store is created and never changes, survives
//     every reopen and restart, and differs between any two stores. Derived
//     stores record it with their checkpoints (see Checkpoint), so that
//     they notice when they are put next to another store.
//   - Implementations are safe for concurrent use.
type EventStore interface {
	// StoreID returns the store's identity: a random id created with the
	// store and kept in it.
	StoreID(ctx context.Context) (string, error)
	// Append adds events to stream if its version matches expected.
	Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error)
	// ReadStream returns up to limit events of stream (limit <= 0: all).
	// Forward starts at version from (0 or 1: the beginning) and goes up;
	// Backward starts at version from (0: the last event) and goes down.
	// A stream that does not exist reads as empty, not as an error.
	ReadStream(ctx context.Context, stream string, from uint64, dir Direction, limit int) ([]domain.Envelope, error)
	// EventByID returns the stored event with the given id; ok is false
	// when there is none.
	EventByID(ctx context.Context, id string) (e domain.Envelope, ok bool, err error)
	// StreamVersion returns the version of the stream's last event, 0 if none.
	StreamVersion(ctx context.Context, stream string) (uint64, error)
	// ReadAll returns up to limit events of the global feed with a position
	// greater than after, in position order.
	ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)
	// Head returns the position of the last committed event, 0 if none.
	Head(ctx context.Context) (uint64, error)
	// Subscribe delivers every event with a position greater than after, in
	// order and without gaps, then follows new appends until ctx ends.
	Subscribe(ctx context.Context, after uint64) Subscription
	// Close releases the store's resources.
	Close() error
}

// Subscription is a live, ordered feed of events.
type Subscription interface {
	// Events yields events in position order; it is closed when the
	// subscription ends (context done or a store error).
	Events() <-chan domain.Envelope
	// Err tells why Events was closed: nil after the context ended, the
	// store error otherwise. Call it only after Events is closed.
	Err() error
}
