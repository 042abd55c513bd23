package main_test

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	rmsqlite "github.com/webos-engine/webos/adapters/readmodel/sqlite"
)

// TestGracefulShutdown sends SIGTERM while clients are sending commands:
// the process exits cleanly, and on disk every projection's checkpoint has
// reached the event store's head, so nothing was left unflushed.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := serve(t, dir)
	p.command("warehouse.RegisterItem", `{"sku":"GS-1","name":"Gasket","unit":"pcs","lowStockThreshold":0}`)
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := p.post("/api/commands/warehouse.ReceiveStock", `{"sku":"GS-1","quantity":1}`)
				if err != nil {
					return
				}
				if res.StatusCode == http.StatusOK {
					acked.Add(1)
				}
				_ = res.Body.Close()
			}
		})
	}
	for acked.Load() < 100 {
		time.Sleep(5 * time.Millisecond)
	}
	p.stop()
	close(stop)
	wg.Wait()

	ctx := context.Background()
	events, err := sqlite.Open(filepath.Join(dir, "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = events.Close() }()
	version, _ := events.StreamVersion(ctx, "warehouse.item-GS-1")
	if got := int64(version) - 1; got < acked.Load() {
		t.Fatalf("%d receipts stored, %d acknowledged", got, acked.Load())
	}
	head, _ := events.Head(ctx)
	models, err := rmsqlite.Open(filepath.Join(dir, "readmodels.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = models.Close() }()
	for _, name := range []string{"warehouse.stock", "warehouse.movements"} {
		if cp, err := models.Checkpoint(ctx, name); err != nil || cp.Position != head {
			t.Errorf("%s: checkpoint %+v after shutdown, head %d (%v)", name, cp, head, err)
		}
	}
	t.Logf("acknowledged %d receipts before SIGTERM; head %d", acked.Load(), head)
}
