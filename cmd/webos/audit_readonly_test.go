package main_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite/sqlitetest"
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
		before := sqlitetest.Evidence(t, path)
		code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir)
		// The test administrator's three identity events and the nightly
		// valuation's schedule come first.
		if code != 0 || !strings.Contains(out, "verified 7 events in 4 streams") {
			t.Fatalf("%s: audit verify: %d %s", stage, code, out)
		}
		export := filepath.Join(t.TempDir(), "export.json")
		if code, out := runCmd(t, binary(t), "audit", "export", "--data-dir", dir, "--out", export); code != 0 || !strings.Contains(out, "exported 7 events") {
			t.Fatalf("%s: audit export: %d %s", stage, code, out)
		}
		if after := sqlitetest.Evidence(t, path); !reflect.DeepEqual(after, before) {
			t.Fatalf("%s: the audit changed the evidence: files %v, before %v", stage, sqlitetest.Sizes(after), sqlitetest.Sizes(before))
		}
	}
	audit("after a kill")

	// Schema version 1 had no meta table (no store id); Open adds it.
	sqlitetest.Exec(t, path, "DROP TABLE meta", "PRAGMA user_version = 1")
	audit("on schema version 1")
}
