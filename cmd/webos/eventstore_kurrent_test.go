package main_test

import (
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb/kurrentdbtest"
)

// TestServeOnKurrentDB runs the real binary with its events in KurrentDB,
// here the protocol-level test double (a gRPC server in this test process,
// reached over TCP like a real node): the demo loads, projections catch up
// through the filtered $all subscription, a restart finds the same head,
// and the audit verifies the chain through the port.
func TestServeOnKurrentDB(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	t.Setenv("WEBOS_EVENTSTORE", srv.URL()+"&namespace=cli_"+strings.ToLower(rand.Text()[:10]))
	dir := t.TempDir()
	p := serve(t, dir, "--demo")
	p.caughtUp()
	head := p.head()
	if head == 0 {
		t.Fatal("--demo appended nothing")
	}
	p.stop()
	p = serve(t, dir, "--demo")
	p.caughtUp()
	if again := p.head(); again != head {
		t.Fatalf("head %v after a restart, was %v", again, head)
	}
	p.stop()
	if _, err := os.Stat(filepath.Join(dir, "events.db")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("events.db in the data dir: %v", err)
	}
	if code, out := runCmd(t, binary(t), "audit", "verify", "--data-dir", dir); code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("audit verify: %d %s", code, out)
	}
}
