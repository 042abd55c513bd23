package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/application"
)

var _ application.CheckpointStore = (*Store)(nil)

// LoadCheckpoint returns consumer's checkpoint from the checkpoints table
// of the store's schema; see application.CheckpointStore.
func (s *Store) LoadCheckpoint(ctx context.Context, consumer string) (application.Checkpoint, error) {
	if err := application.CheckCheckpoint(consumer, application.Checkpoint{}); err != nil {
		return application.Checkpoint{}, err
	}
	var cp application.Checkpoint
	err := s.retry(ctx, func() error {
		var pos int64
		err := s.pool.QueryRow(ctx, "SELECT store_id, position, hash FROM checkpoints WHERE consumer = $1", consumer).
			Scan(&cp.StoreID, &pos, &cp.Hash)
		if errors.Is(err, pgx.ErrNoRows) {
			cp = application.Checkpoint{}
			return nil
		}
		cp.Position = uint64(pos)
		return err
	})
	return cp, err
}

// SaveCheckpoint replaces consumer's checkpoint, committed with the
// server's durability, like an append; see application.CheckpointStore.
// The write is an upsert, so retrying it after a broken connection is
// safe.
func (s *Store) SaveCheckpoint(ctx context.Context, consumer string, cp application.Checkpoint) error {
	if err := application.CheckCheckpoint(consumer, cp); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.retry(ctx, func() error {
		_, err := s.pool.Exec(ctx, `INSERT INTO checkpoints (consumer, store_id, position, hash) VALUES ($1, $2, $3, $4)
			ON CONFLICT (consumer) DO UPDATE SET store_id = excluded.store_id, position = excluded.position, hash = excluded.hash`,
			consumer, cp.StoreID, int64(cp.Position), cp.Hash)
		return err
	})
}
