// Package sqlitetest holds test helpers for the SQLite event store's files,
// shared by the store's own tests and the end-to-end tests of cmd/webos
// that check what the engine leaves on disk: the files as evidence, and
// raw statements run on them behind the store's back.
package sqlitetest

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	_ "modernc.org/sqlite" // registers the "sqlite" driver for Exec
)

// Evidence maps the database file at path and its WAL, where present, to
// their bytes, keyed by base name. The -shm file is left out: it is an
// index SQLite rebuilds from the WAL, not a record. An empty WAL holds no
// record either: SQLite creates one beside a WAL database that has none
// when it opens it, even read-only, since its locking needs the file.
func Evidence(t testing.TB, path string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, name := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) || (err == nil && len(b) == 0 && name != path) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(name)] = b
	}
	return files
}

// Sizes names Evidence's files with their sizes, sorted, for a failure
// message (the bytes themselves would drown it).
func Sizes(files map[string][]byte) []string {
	out := make([]string, 0, len(files))
	for name, b := range files {
		out = append(out, fmt.Sprintf("%s (%d bytes)", name, len(b)))
	}
	slices.Sort(out)
	return out
}

// Exec runs statements on the database file at path directly, as an
// older program or an attacker would, and closes it again.
func Exec(t testing.TB, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
