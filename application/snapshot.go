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
type SnapshotStore interface {
	SaveSnapshot(ctx context.Context, s Snapshot) error
	LoadSnapshot(ctx context.Context, stream string) (s Snapshot, ok bool, err error)
	Close() error
}
