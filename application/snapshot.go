package application

import (
	"context"
	"time"
)

// Snapshot is the saved state of one aggregate at a stream version.
type Snapshot struct {
	StreamID string
	// Version is the stream version the state includes.
	Version uint64
	// EventHash is the hash of the stream's event at Version. A snapshot
	// whose stream has another event there (a restored older copy of the
	// events, say) is discarded, and one without a hash is never used.
	EventHash string
	// Schema is the aggregate's SnapshotSchema when it was taken.
	Schema  int
	Data    []byte
	TakenAt time.Time
}

// SnapshotStore keeps the newest snapshot of each stream.
//
// Contract, checked by adapters/snapshot/snapshottest for every adapter:
// Save never replaces a snapshot with one of a lower version (two writers
// may race; the newer state wins); Load of a stream without a snapshot
// returns ok == false and no error; implementations are safe for
// concurrent use.
//
// A store belongs to one event store (Claim): snapshots describe streams of
// that store only, and a file put next to another one must not be used.
type SnapshotStore interface {
	// Claim makes the store belong to the event store with id storeID
	// (EventStore.StoreID). If it belonged to another one, or to none known
	// (snapshots written before stores had ids), every snapshot is deleted
	// first, atomically with recording the new owner, and Claim returns how
	// many were. Call it once at start, before any Load.
	Claim(ctx context.Context, storeID string) (discarded int, err error)
	SaveSnapshot(ctx context.Context, s Snapshot) error
	LoadSnapshot(ctx context.Context, stream string) (s Snapshot, ok bool, err error)
	Close() error
}
