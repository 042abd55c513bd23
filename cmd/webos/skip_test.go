package main_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/domain"
)

// projection returns the named projection's status from /api/modules.
func (p *proc) projection(name string) map[string]any {
	p.t.Helper()
	_, out, _ := p.do("GET", "/api/modules", "", nil)
	for _, s := range out["projections"].([]any) {
		if st := s.(map[string]any); st["name"] == name {
			return st
		}
	}
	p.t.Fatalf("no projection %s in /api/modules: %v", name, out)
	return nil
}

// waitFailed waits until the projection reports failed and returns its status.
func (p *proc) waitFailed(name string) map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if st := p.projection(name); st["state"] == "failed" {
			return st
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("%s never failed: %v\n%s", name, p.projection(name), p.logs)
	return nil
}

// webos runs a one-shot command of the binary and returns its output.
func webos(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(binary(t), args...).CombinedOutput()
	return string(out), err
}

// An event no projection can decode stops them at it, with the position
// and a code; an operator's recorded skip lets them resume.
func TestUndecodableEventIsSkippedByAnOperator(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	p.register("A")
	p.receive("A", 5)
	p.stop()
	store, err := sqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := store.Append(context.Background(), "warehouse.item-Z", domain.NoStream, []domain.Envelope{{
		ID: "bad-1", Type: "warehouse.StockReceived", SchemaVersion: 2, RecordedAt: time.Now(),
		Data: []byte(`{"sku":"Z","quantity":"lots"}`),
	}})
	if err = errors.Join(err, store.Close()); err != nil {
		t.Fatal(err)
	}
	pos := strconv.FormatUint(bad[0].Position, 10)

	p = serve(t, dir)
	for _, name := range []string{"warehouse.stock", "warehouse.movements"} {
		st := p.waitFailed(name)
		if st["position"] != float64(bad[0].Position) || st["code"] != "event_undecodable" || st["error"] != nil {
			t.Fatalf("%s: %v", name, st)
		}
	}
	p.receive("A", 1) // commands still work
	if out, err := webos(t, "projections", "skip", "warehouse.stock", "--position", pos, "--data-dir", dir); err == nil ||
		!strings.Contains(out, "in use") {
		t.Fatalf("skip while the server runs: %v\n%s", err, out)
	}
	p.stop()

	for _, name := range []string{"warehouse.stock", "warehouse.movements"} {
		out, err := webos(t, "projections", "skip", name, "--position", pos, "--reason", "test", "--data-dir", dir)
		if err != nil || !strings.Contains(out, "recorded: "+name+" skips the event at position "+pos) ||
			!strings.Contains(out, "operator recorded a projection skip") {
			t.Fatalf("skip %s: %v\n%s", name, err, out)
		}
	}
	p = serve(t, dir)
	p.wantStock(map[string]float64{"A": 6})
	for _, name := range []string{"warehouse.stock", "warehouse.movements"} {
		if st := p.projection(name); st["state"] != "live" {
			t.Fatalf("%s after the skip: %v", name, st)
		}
	}
	p.receive("A", 1)
	p.wantStock(map[string]float64{"A": 7})
	p.stop()
}
