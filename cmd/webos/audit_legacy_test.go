package main_test

import (
	"context"
	"database/sql"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/domain"
)

// TestAuditLegacyHistory upgrades a data dir whose events were hashed
// under the legacy scheme v1 (as every event before this version was):
// the engine appends v2 events after them, and both verifiers accept the
// mixed history, reporting both schemes.
func TestAuditLegacyHistory(t *testing.T) {
	t.Parallel()
	py := python3(t)
	dir := t.TempDir()
	p := serve(t, dir)
	trace := map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
	post := func(p *proc, name, body string) {
		t.Helper()
		if status, out, _ := p.do("POST", "/api/commands/"+name, body, trace); status != http.StatusOK {
			t.Fatalf("%s: %d %v", name, status, out)
		}
	}
	post(p, "warehouse.RegisterItem", `{"sku":"OLD-1","name":"Altbestand <1>","unit":"Stück","lowStockThreshold":2}`)
	post(p, "warehouse.ReceiveStock", `{"sku":"OLD-1","quantity":4}`)
	p.stop()
	rehashV1(t, filepath.Join(dir, "events.db"))

	p = serve(t, dir)
	post(p, "warehouse.ReceiveStock", `{"sku":"OLD-1","quantity":5,"reference":"nach dem Update"}`)
	p.stop()

	verifyAndExport(t, py, dir, "verified 7 events in 3 streams up to position 7; hash schemes: v1 6, v2 1", "hash schemes: v1, v2")
}

// rehashV1 rewrites the hashes of every stored event under scheme v1, as
// the engine wrote them before v2.
func rehashV1(t *testing.T, path string) {
	t.Helper()
	s, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	events, err := s.ReadAll(context.Background(), 0, 0)
	if err != nil || s.Close() != nil {
		t.Fatalf("read: %v", err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	prev := map[string]string{}
	for i := range events {
		e := &events[i]
		h, err := domain.HashV1.Hash(prev[e.StreamID], e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?`, prev[e.StreamID], h, e.Position); err != nil {
			t.Fatal(err)
		}
		prev[e.StreamID] = h
	}
	// Two warehouse events, the test administrator's three and the nightly
	// valuation's schedule.
	if len(events) != 6 {
		t.Fatalf("expected 6 events to rehash, got %d", len(events))
	}
}
