package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/webos-engine/webos/application"
)

var _ application.CheckpointStore = (*Store)(nil)

// savedCheckpoint is the payload of a SaveCheckpoint request.
type savedCheckpoint struct {
	consumer string
	cp       application.Checkpoint
}

const saveCheckpointSQL = `INSERT INTO checkpoints (consumer, store_id, position, hash) VALUES (?, ?, ?, ?)
	ON CONFLICT (consumer) DO UPDATE SET store_id = excluded.store_id, position = excluded.position, hash = excluded.hash`

// LoadCheckpoint returns consumer's checkpoint from the checkpoints table
// of the event database; see application.CheckpointStore. A file opened
// read-only that predates the table has none.
func (s *Store) LoadCheckpoint(ctx context.Context, consumer string) (application.Checkpoint, error) {
	if err := application.CheckCheckpoint(consumer, application.Checkpoint{}); err != nil {
		return application.Checkpoint{}, err
	}
	if s.closed.Load() {
		return application.Checkpoint{}, ErrClosed
	}
	var cp application.Checkpoint
	if s.schema < schemaCheckpoints {
		return cp, nil
	}
	var pos int64
	err := s.read.QueryRowContext(ctx, "SELECT store_id, position, hash FROM checkpoints WHERE consumer = ?", consumer).
		Scan(&cp.StoreID, &pos, &cp.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return application.Checkpoint{}, nil
	}
	cp.Position = uint64(pos)
	return cp, err
}

// SaveCheckpoint replaces consumer's checkpoint; see
// application.CheckpointStore. The save joins the writer's next group
// commit, beside the appends queued with it, and returns once that has
// committed.
func (s *Store) SaveCheckpoint(ctx context.Context, consumer string, cp application.Checkpoint) error {
	if err := application.CheckCheckpoint(consumer, cp); err != nil {
		return err
	}
	if s.closed.Load() {
		return ErrClosed
	}
	if s.w == nil {
		return ErrReadOnly
	}
	return s.w.submit(&request{ctx: ctx, save: &savedCheckpoint{consumer: consumer, cp: cp}, done: make(chan error, 1)})
}

// saveCheckpoint writes a saved checkpoint in the writer's transaction.
func (w *writer) saveCheckpoint(ctx context.Context, save *savedCheckpoint) error {
	_, err := w.stmts.checkpoint.ExecContext(ctx, save.consumer, save.cp.StoreID, int64(save.cp.Position), save.cp.Hash)
	return err
}
