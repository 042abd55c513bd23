package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations[i] takes the schema from user_version i to i+1. Append only:
// a released step never changes, since databases already ran it.
var migrations = []string{
	`CREATE TABLE events (
		position       INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: never handed out twice, even if the last rows were deleted
		stream_id      TEXT    NOT NULL,
		version        INTEGER NOT NULL CHECK (version >= 1),
		id             TEXT    NOT NULL UNIQUE,
		type           TEXT    NOT NULL,
		schema_version INTEGER NOT NULL,
		recorded_at    TEXT    NOT NULL, -- RFC 3339 with nanoseconds, UTC
		actor          TEXT    NOT NULL,
		tenant         TEXT    NOT NULL,
		correlation_id TEXT    NOT NULL,
		causation_id   TEXT    NOT NULL,
		trace_context  TEXT,             -- JSON object; NULL when the envelope had none
		data           TEXT    NOT NULL, -- the exact JSON bytes appended; TEXT so json_* functions work
		prev_hash      TEXT    NOT NULL,
		hash           TEXT    NOT NULL,
		UNIQUE (stream_id, version)
	) STRICT`,
	// The store's identity (application.EventStore.StoreID), random and
	// made once, with the store: derived stores compare it to theirs.
	`CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value TEXT NOT NULL
	) STRICT;
	INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))))`,
	// application.CheckpointStore: where the feed's consumers that are not
	// projections stand, kept with the events so that a backup of this
	// file restores them consistent with its events.
	`CREATE TABLE checkpoints (
		consumer TEXT    PRIMARY KEY,
		store_id TEXT    NOT NULL,
		position INTEGER NOT NULL CHECK (position >= 0),
		hash     TEXT    NOT NULL
	) STRICT`,
}

// schemaCheckpoints is the schema version that made the checkpoints table.
const schemaCheckpoints = 3

// storeID reads the identity written by the second migration.
func storeID(ctx context.Context, db *sql.DB) (string, error) {
	var id string
	err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'store_id'").Scan(&id)
	return id, err
}

// migrate brings the schema up to date inside one BEGIN IMMEDIATE
// transaction, so two processes opening a new file at once cannot both run
// a step. A file written by a newer binary is refused rather than misread.
func migrate(ctx context.Context, db *sql.DB) (err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, conn.Close()) }()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			// The step's own error is the one to report; a failed
			// ROLLBACK means SQLite already rolled back.
			_, _ = conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	var version int
	if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program knows (%d)", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := conn.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	// PRAGMA takes no parameters; the value is our own integer.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}
