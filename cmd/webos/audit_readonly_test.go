package main_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestAuditChangesNoEvidence audits a data dir left by a killed server,
// whose WAL holds events not yet in events.db, and then the same file made
// into an older schema that the server would migrate: `audit verify` and
// `audit export` read every event and leave events.db and its WAL byte for
// byte as they were.
func TestAuditChangesNoEvidence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	p.register("EV-1")
	p.receive("EV-1", 3)
	p.register("EV-2")
	p.kill()
	path := filepath.Join(dir, "events.db")
	if wal, err := os.Stat(path + "-wal"); err != nil || wal.Size() == 0 {
		t.Fatalf("the killed server left no WAL: %v", err)
	}
	audit := func(stage string) {
		t.Helper()
		before := evidenceFiles(t, path)
		code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir)
		if code != 0 || !strings.Contains(out, "verified 3 events in 2 streams") {
			t.Fatalf("%s: audit verify: %d %s", stage, code, out)
		}
		export := filepath.Join(t.TempDir(), "export.json")
		if code, out := runCmd(t, binary(t), "audit", "export", "--data-dir", dir, "--out", export); code != 0 || !strings.Contains(out, "exported 3 events") {
			t.Fatalf("%s: audit export: %d %s", stage, code, out)
		}
		if after := evidenceFiles(t, path); !reflect.DeepEqual(after, before) {
			t.Fatalf("%s: the audit changed the evidence: files %v, before %v", stage, sizes(after), sizes(before))
		}
	}
	audit("after a kill")

	// Schema version 1 had no meta table (no store id); Open adds it.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TABLE meta", "PRAGMA user_version = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	audit("on schema version 1")
}

// evidenceFiles maps events.db and its WAL to their bytes; an absent WAL
// and an empty one (which SQLite makes to open a WAL database) record the
// same: nothing.
func evidenceFiles(t *testing.T, path string) map[string][]byte {
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

// sizes names the files and their sizes, for a failure message.
func sizes(files map[string][]byte) []string {
	var out []string
	for name, b := range files {
		out = append(out, fmt.Sprintf("%s (%d bytes)", name, len(b)))
	}
	slices.Sort(out)
	return out
}
