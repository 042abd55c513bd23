package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/application"
)

// A file written before checkpoints recorded their event store keeps its
// positions, with an empty store id and hash: application.Diverged then
// reports it, and its projections are rebuilt once.
func TestCheckpointsOfAnOlderFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "readmodels.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID;
		INSERT INTO checkpoints VALUES ('old', 12)`)
	if err = joinClose(err, db); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if cp, err := s.Checkpoint(ctx, "old"); err != nil || cp != (application.Checkpoint{Position: 12}) {
		t.Fatalf("old checkpoint reads as %+v, %v", cp, err)
	}
	want := application.Checkpoint{StoreID: "s", Position: 13, Hash: "h"}
	if err := s.Apply(ctx, "old", want, func(application.ReadModelTx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if cp, err := s.Checkpoint(ctx, "old"); err != nil || cp != want {
		t.Fatalf("checkpoint %+v, %v; want %+v", cp, err, want)
	}
}

func joinClose(err error, db *sql.DB) error {
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// A process killed between the two column additions leaves a file with a
// store id column and no hash column; the next start completes the
// migration instead of failing on every start.
func TestCheckpointsOfAHalfMigratedFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "readmodels.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL,
		store_id TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
		INSERT INTO checkpoints (projection, position) VALUES ('old', 12)`)
	if err = joinClose(err, db); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	if cp, err := s.Checkpoint(ctx, "old"); err != nil || cp != (application.Checkpoint{Position: 12}) {
		t.Fatalf("old checkpoint reads as %+v, %v", cp, err)
	}
}
