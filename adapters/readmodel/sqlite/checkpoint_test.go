package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/application"
)

// Files from before checkpoints recorded their event store, and files a
// process killed between the two column additions, keep their positions
// with an empty store id and hash (application.Diverged then reports them,
// and their projections are rebuilt once), and take full checkpoints from
// then on instead of failing on every start.
func TestCheckpointsOfOlderFiles(t *testing.T) {
	for name, schema := range map[string]string{
		"before store ids": `CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL) WITHOUT ROWID`,
		"half migrated": `CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL,
			store_id TEXT NOT NULL DEFAULT '') WITHOUT ROWID`,
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "readmodels.db")
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			_, err = db.ExecContext(ctx, schema+`; INSERT INTO checkpoints (projection, position) VALUES ('old', 12)`)
			if cerr := db.Close(); err == nil {
				err = cerr
			}
			if err != nil {
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
		})
	}
}
