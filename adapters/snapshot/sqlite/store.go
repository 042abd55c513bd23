// Package sqlite is an application.SnapshotStore in its own SQLite file,
// apart from the event store: snapshots are derived data, and the file
// can be deleted at any time.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver

	"github.com/webos-engine/webos/application"
)

const schema = `CREATE TABLE IF NOT EXISTS snapshots (
	stream_id TEXT PRIMARY KEY,
	version   INTEGER NOT NULL,
	schema    INTEGER NOT NULL,
	data      BLOB NOT NULL,
	taken_at  TEXT NOT NULL
)`

// addEventHash migrates a file written before snapshots recorded the
// hash of their event: its rows read with an empty hash, which the
// repository never trusts, so they are replaced as streams are used.
const addEventHash = `ALTER TABLE snapshots ADD COLUMN event_hash TEXT NOT NULL DEFAULT ''`

// Store is a SQLite-backed snapshot store.
type Store struct {
	db         *sql.DB
	save, load *sql.Stmt
}

// Open opens (creating if needed) the snapshot database at path.
func Open(path string) (*Store, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, fmt.Errorf("sqlite snapshots %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.init(); err != nil {
		return nil, fmt.Errorf("sqlite snapshots %s: %w", path, errors.Join(err, db.Close()))
	}
	return s, nil
}

func (s *Store) init() error {
	ctx := context.Background()
	if _, err := s.db.ExecContext(ctx, schema+";"+ownerSchema); err != nil {
		return err
	}
	var hasHash bool
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info('snapshots') WHERE name = 'event_hash'`).Scan(&hasHash); err != nil {
		return err
	}
	if !hasHash {
		if _, err := s.db.ExecContext(ctx, addEventHash); err != nil {
			return err
		}
	}
	var err error
	// The WHERE keeps the newest snapshot when writers race.
	if s.save, err = s.db.PrepareContext(ctx, `INSERT INTO snapshots (stream_id, version, event_hash, schema, data, taken_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, event_hash = excluded.event_hash,
			schema = excluded.schema, data = excluded.data, taken_at = excluded.taken_at
		WHERE excluded.version >= snapshots.version`); err != nil {
		return err
	}
	s.load, err = s.db.PrepareContext(ctx, `SELECT version, event_hash, schema, data, taken_at FROM snapshots WHERE stream_id = ?`)
	return err
}

// SaveSnapshot stores snap unless a newer one is stored.
func (s *Store) SaveSnapshot(ctx context.Context, snap application.Snapshot) error {
	_, err := s.save.ExecContext(ctx, snap.StreamID, int64(snap.Version), snap.EventHash, snap.Schema, snap.Data,
		snap.TakenAt.UTC().Format(time.RFC3339Nano))
	return err
}

// LoadSnapshot returns the stream's snapshot, if any.
func (s *Store) LoadSnapshot(ctx context.Context, stream string) (application.Snapshot, bool, error) {
	snap := application.Snapshot{StreamID: stream}
	var version int64
	var taken string
	err := s.load.QueryRowContext(ctx, stream).Scan(&version, &snap.EventHash, &snap.Schema, &snap.Data, &taken)
	if errors.Is(err, sql.ErrNoRows) {
		return application.Snapshot{}, false, nil
	}
	if err != nil {
		return application.Snapshot{}, false, err
	}
	snap.Version = uint64(version)
	snap.TakenAt, err = time.Parse(time.RFC3339Nano, taken)
	return snap, err == nil, err
}

// Close closes the database.
func (s *Store) Close() error { return errors.Join(s.save.Close(), s.load.Close(), s.db.Close()) }
