package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/snapshot/snapshottest"
	"github.com/webos-engine/webos/adapters/snapshot/sqlite"
	"github.com/webos-engine/webos/application"
)

func TestConformance(t *testing.T) {
	snapshottest.Run(t, func(t *testing.T) application.SnapshotStore {
		s, err := sqlite.Open(filepath.Join(t.TempDir(), "snapshots.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestOldFilesStayReadable: a file written before snapshots recorded
// their event's hash opens, and its rows read with an empty hash.
func TestOldFilesStayReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "snapshots.db")
	db, err := sql.Open("sqlite", path)
	if err == nil {
		_, err = db.Exec(`CREATE TABLE snapshots (stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL,
			schema INTEGER NOT NULL, data BLOB NOT NULL, taken_at TEXT NOT NULL);
			INSERT INTO snapshots VALUES ('s', 3, 1, '{}', '2026-01-02T03:04:05Z')`)
	}
	if err = errors.Join(err, db.Close()); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second open finds the column already added
		s, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		snap, ok, err := s.LoadSnapshot(context.Background(), "s")
		if err != nil || !ok || snap.Version != 3 || snap.EventHash != "" {
			t.Fatalf("old row: %+v ok %v err %v", snap, ok, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
