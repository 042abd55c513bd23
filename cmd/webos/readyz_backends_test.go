package main_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/bus/bustest"
	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/adapters/testkit/tcpproxy"
)

// TestReadyzNamesTheBackendThatIsDown runs the real binary on PostgreSQL
// (through a TCP proxy, since the machine's server is shared), FerretDB
// and a NATS server of its own, and takes each away in turn while it
// serves: /readyz answers 503 with the code naming that backend, and 200
// again once it is back; commands work and projections catch up after.
func TestReadyzNamesTheBackendThatIsDown(t *testing.T) {
	pg := pgtest.URL(t)
	proxy := tcpproxy.Start(t, "127.0.0.1:5432")
	pgViaProxy := strings.Replace(pg, "127.0.0.1:5432", proxy.Addr(), 1) + "&schema=" + pgtest.Schema(t, "readyz")
	mongo := ferretdbtest.Start(t)
	natsDir := t.TempDir()
	natsSrv := bustest.StartServer(t, "/usr/sbin/nats-server", func(port int) []string {
		return []string{"-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", natsDir}
	})
	t.Setenv("WEBOS_EVENTSTORE", pgViaProxy)
	t.Setenv("WEBOS_READMODELS", mongo.URL(ferretdbtest.Database("readyz"))+"?serverSelectionTimeoutMS=1000")
	t.Setenv("WEBOS_BUS", "nats://127.0.0.1:"+strconv.Itoa(natsSrv.Port))
	p := serve(t, t.TempDir())
	p.command("warehouse.RegisterItem", `{"sku":"RDY-1","name":"Widget","unit":"pcs","lowStockThreshold":1}`)

	// The bus, lost while nothing is being forwarded, then while an
	// event waits to be: commands are still taken meanwhile.
	natsSrv.Kill()
	p.readyz("bus_unavailable")
	p.command("warehouse.ReceiveStock", `{"sku":"RDY-1","quantity":1}`)
	p.readyz("bus_unavailable")
	natsSrv.Start()
	p.readyz("")

	mongo.Kill()
	p.readyz("read_model_store_unavailable")
	if err := mongo.Restart(); err != nil {
		t.Fatal(err)
	}
	p.readyz("")

	proxy.Kill()
	p.readyz("event_store_unavailable")
	proxy.Restart()
	p.readyz("")

	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		status, _, _ := p.do("POST", "/api/commands/warehouse.ReceiveStock", `{"sku":"RDY-1","quantity":2}`, nil)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("commands still fail after every backend is back: %d", status)
		}
	}
	p.caughtUp()
	if stock := p.items("warehouse.stock", ""); len(stock) != 1 || stock[0]["onHand"] != 3.0 {
		t.Fatalf("stock view %v, want RDY-1 with 3 on hand", stock)
	}
	p.stop()
}

// readyz waits until /readyz answers 503 with code, or 200 when code is
// empty.
func (p *proc) readyz(code string) {
	p.t.Helper()
	var status int
	var got any
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var out map[string]any
		status, out, _ = p.do("GET", "/readyz", "", nil)
		got = out["code"]
		if code == "" && status == http.StatusOK || status == http.StatusServiceUnavailable && got == code {
			return
		}
	}
	p.t.Fatalf("/readyz answers %d %v, want %q", status, got, code)
}
