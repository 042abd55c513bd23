package sqlite

import (
	"context"
	"database/sql"
	"errors"
)

// ownerSchema records which event store the snapshots were taken from.
const ownerSchema = `CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
)`

// Claim records storeID as the event store the snapshots belong to. If
// another (or none: a file from before store ids) was recorded, every
// snapshot is deleted in the same transaction: they describe streams of
// another store, or of an unknown one.
func (s *Store) Claim(ctx context.Context, storeID string) (discarded int, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() // a no-op once committed
	var owner string
	err = tx.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'event_store_id'").Scan(&owner)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if owner == storeID {
		return 0, nil
	}
	res, err := tx.ExecContext(ctx, "DELETE FROM snapshots")
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('event_store_id', ?) "+
		"ON CONFLICT (key) DO UPDATE SET value = excluded.value", storeID); err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}
