package sqlitefile_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/sqlitefile"

	_ "modernc.org/sqlite"
)

func TestGarbageIsDamagedAndMovedAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "derived.db")
	if err := os.WriteFile(path, []byte("this is not a database, only garbage bytes that fill a header...."), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("CREATE TABLE IF NOT EXISTS t (x)")
	_ = db.Close()
	if !sqlitefile.Damaged(err) {
		t.Fatalf("Damaged(%v) = false, want true", err)
	}
	if err := os.WriteFile(path+"-wal", []byte("a log left behind"), 0o600); err != nil {
		t.Fatal(err)
	}
	if sqlitefile.Damaged(errors.New("disk I/O error")) || sqlitefile.Damaged(nil) {
		t.Fatal("an error that is not SQLite's counts as damage")
	}
	aside, err := sqlitefile.MoveAside(path, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil || aside != path+".damaged-20260102T030405.000Z" {
		t.Fatalf("MoveAside = %q, %v", aside, err)
	}
	for _, name := range []string{aside, aside + "-wal"} {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("%s not kept: %v", name, err)
		}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the damaged file is still in place: %v", err)
	}
}
