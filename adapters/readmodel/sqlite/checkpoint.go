package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/webos-engine/webos/application"
)

// checkpointStmts are the prepared statements on the checkpoints table.
//
// Positions are uint64 and SQLite integers int64, so a position is stored
// as the int64 with the same bits: every uint64 round-trips, and nothing
// compares positions in SQL.
type checkpointStmts struct {
	put *sql.Stmt // write connection, inside Apply
	get *sql.Stmt // read pool
}

func (c *checkpointStmts) prepare(ctx context.Context, write, read *sql.DB) error {
	var err1, err2 error
	c.put, err1 = write.PrepareContext(ctx, "INSERT INTO checkpoints (projection, position, store_id, hash) VALUES (?, ?, ?, ?) "+
		"ON CONFLICT (projection) DO UPDATE SET position = excluded.position, store_id = excluded.store_id, hash = excluded.hash")
	c.get, err2 = read.PrepareContext(ctx, "SELECT position, store_id, hash FROM checkpoints WHERE projection = ?")
	return errors.Join(err1, err2)
}

// Checkpoint returns the checkpoint last committed for projection, the
// zero Checkpoint if none.
func (s *Store) Checkpoint(ctx context.Context, projection string) (application.Checkpoint, error) {
	var pos int64
	var cp application.Checkpoint
	err := s.cp.get.QueryRowContext(ctx, projection).Scan(&pos, &cp.StoreID, &cp.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return application.Checkpoint{}, nil
	}
	cp.Position = uint64(pos)
	return cp, err
}

// addCheckpointSource adds the columns that say which event store and
// which event a checkpoint came from to a file made before they existed.
// Its rows get empty ones, which application.Diverged reports, so those
// projections are rebuilt once. Each column is checked on its own: every
// ALTER commits by itself, and a process killed between the two must not
// leave a file that no start can open.
func addCheckpointSource(ctx context.Context, db *sql.DB) error {
	for _, col := range []string{"store_id", "hash"} {
		var n int
		err := db.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info('checkpoints') WHERE name = ?", col).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := db.ExecContext(ctx, "ALTER TABLE checkpoints ADD COLUMN "+col+" TEXT NOT NULL DEFAULT ''"); err != nil {
				return err
			}
		}
	}
	return nil
}

// Reset deletes the documents of the named collections and the checkpoint
// of projection in one transaction. Undeclared collections have no table
// and nothing to delete.
func (s *Store) Reset(ctx context.Context, projection string, collections []string) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // a no-op once committed
	for _, name := range collections {
		c, err := s.collection(name)
		if err != nil {
			continue
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+c.table); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM checkpoints WHERE projection = ?", projection); err != nil {
		return err
	}
	return tx.Commit()
}
