package main_test

import (
	"crypto/rand"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb/kurrentdbtest"
)

// TestServeOnKurrentDB runs the real binary with its events in KurrentDB,
// here the protocol-level test double (a gRPC server in this test process,
// reached over TCP like a real node): the demo loads, projections catch up
// through the filtered $all subscription, they resume after the server is
// stopped and started again, a restart of the engine finds the same head,
// and the audit verifies the chain through the port.
func TestServeOnKurrentDB(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	t.Setenv("WEBOS_EVENTSTORE", srv.URL()+"&namespace=cli_"+strings.ToLower(rand.Text()[:10]))
	dir := t.TempDir()
	p := serve(t, dir, "--demo")
	p.caughtUp()
	if p.head() == 0 {
		t.Fatal("--demo appended nothing")
	}
	// The server goes away long enough for the client to give up on its
	// connection; once it is back, commands work again and the
	// projections' subscriptions resume where they were.
	srv.Stop()
	time.Sleep(1500 * time.Millisecond)
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	body := `{"sku":"KDB-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, out, _ := p.do("POST", "/api/commands/warehouse.RegisterItem", body, nil)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: %d %v", status, out)
		}
	}
	p.wantLog("kurrentdb: subscription dropped; subscribing again")
	p.caughtUp()
	head := p.head()
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
