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
// Contract, checked by adapters/eventstore/eventstoretest for every adapter
// (eventstoretest.Capabilities names the few answers that may differ):
//   - Append is atomic: all events or none. It fails with a
//     domain.KindConflict error (domain.VersionConflict) when expected does
//     not match, and the store itself guarantees one event per
//     (stream, version) even across processes: no read-then-write race.
//   - Append assigns StreamVersion, Position, PrevHash and Hash (via
//     domain.Chain) and returns the stored envelopes; ID, Type,
//     SchemaVersion, RecordedAt, Data and the metadata are kept as given.
//   - An event id is stored at most once in the whole store, and an append
//     holding an id already stored writes nothing. It fails with a
//     KindConflict error "duplicate_event", with one exception a store may
//     make (KurrentDB does): a retry, whose ids are, in order, exactly the
//     events of stream right after a definite expected version (not
//     AnyVersion), may succeed without writing and return those stored
//     events. Callers that derive ids from an idempotency key
//     (idempotency.go) handle both answers; EventByID finds the event that
//     holds an id.
//   - Positions are store-defined: strictly increasing in commit order,
//     greater than 0, and not necessarily dense: a store may leave gaps
//     (a PostgreSQL sequence after a rollback, KurrentDB's log offsets).
//     No consumer may subtract positions to count events (count them, or
//     measure time; see MeasureLag), nor derive a position from another.
//     A reader never sees position p+k before every position up to p+k
//     that will ever be committed is visible: no store is excused from
//     this, whatever its commits do in parallel. To keep it, a store may
//     show an append in the feed (ReadAll, Head, Subscribe) a moment after
//     Append returned, while older appends are still in flight
//     (PostgreSQL); it shows it once they end. Stream reads, StreamVersion
//     and EventByID show it at once. The feed never goes back: a position
//     it showed stays at or below Head.
//   - StoreID is fixed when the store is created and never changes, survives
//     every reopen and restart, and differs between any two stores. Derived
//     stores record it with their checkpoints (see Checkpoint), so that
//     they notice when they are put next to another store.
//   - Implementations are safe for concurrent use.
//
// A uint64 carries every store's position faithfully. KurrentDB's $all
// position is a pair (commit, prepare) of log offsets; the KurrentDB
// adapter uses the commit position. An append over gRPC writes its events
// in one implicit transaction whose commit and prepare positions are equal
// for every event, and the explicit multi-request transactions of the old
// TCP protocol, the only writes where the two differ, do not exist over
// gRPC. So the commit position alone identifies an event and orders the
// feed; it only grows with gaps (offsets in bytes), which the contract
// allows.
//
// A store may also read its feed filtered (FilteredFeed), an optional
// capability; ReadFiltered uses it when it is there.
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
	// Head returns the position of the last event the feed shows, 0 if
	// none. It is a position to compare with others, never a count of
	// events.
	Head(ctx context.Context) (uint64, error)
	// Subscribe delivers every event with a position greater than after, in
	// order and skipping none, then follows new appends until ctx ends.
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
