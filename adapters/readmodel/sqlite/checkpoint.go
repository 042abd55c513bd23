package sqlite

import (
	"context"
	"database/sql"
	"errors"
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
	c.put, err1 = write.PrepareContext(ctx, "INSERT INTO checkpoints (projection, position) VALUES (?, ?) "+
		"ON CONFLICT (projection) DO UPDATE SET position = excluded.position")
	c.get, err2 = read.PrepareContext(ctx, "SELECT position FROM checkpoints WHERE projection = ?")
	return errors.Join(err1, err2)
}

// Checkpoint returns the position last committed for projection, 0 if none.
func (s *Store) Checkpoint(ctx context.Context, projection string) (uint64, error) {
	var pos int64
	err := s.cp.get.QueryRowContext(ctx, projection).Scan(&pos)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return uint64(pos), err
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
