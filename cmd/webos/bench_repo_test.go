package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/jsonschema"
	"github.com/webos-engine/webos/adapters/logging"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	snapsqlite "github.com/webos-engine/webos/adapters/snapshot/sqlite"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// commandBench is a kernel with the warehouse module and no projections,
// for in-process command throughput: on the in-memory stores, where the
// repository's own work shows, or on the SQLite event and snapshot stores
// (NORMAL sync, so the figures are not fsync's).
type commandBench struct {
	app    *application.App
	events application.EventStore
}

// benchStores are the store pairs the command benchmarks run on.
var benchStores = []string{"memory", "sqlite"}

func newCommandBench(b *testing.B, stores string, cachedStreams int) *commandBench {
	b.Helper()
	var events application.EventStore = memory.New()
	var snaps application.SnapshotStore = snapmemory.New()
	if stores == "sqlite" {
		dir := b.TempDir()
		es, err := sqlite.Open(filepath.Join(dir, "events.db"), sqlite.WithSynchronous(sqlite.SyncNormal))
		if err != nil {
			b.Fatal(err)
		}
		ss, err := snapsqlite.Open(filepath.Join(dir, "snapshots.db"))
		if err != nil {
			b.Fatal(err)
		}
		events, snaps = es, ss
	}
	b.Cleanup(func() { _ = events.Close(); _ = snaps.Close() })
	app := application.New(application.Deps{
		Events: events, ReadModels: rmmemory.New(), Snapshots: snaps, Validator: jsonschema.NewValidator(),
		NewID: newID, Logger: logging.New(io.Discard, 8), CachedStreams: cachedStreams,
	})
	app.Load(warehouse.Module{})
	return &commandBench{app: app, events: events}
}

// seed stores items items of length events each (registered, then
// receipts) straight in the store.
func (cb *commandBench) seed(b *testing.B, prefix string, items, length int) []string {
	b.Helper()
	skus := make([]string, items)
	for i := range skus {
		skus[i] = fmt.Sprintf("%s-%d", prefix, i)
		evs := make([]domain.Envelope, 0, length)
		for v := range length {
			var ev domain.Event = contract.StockReceived{SKU: skus[i], Quantity: 1}
			if v == 0 {
				ev = contract.ItemRegistered{SKU: skus[i], Name: "Bench", Unit: "pcs"}
			}
			typ, ver, data, err := cb.app.Events().Encode(ev)
			if err != nil {
				b.Fatal(err)
			}
			evs = append(evs, domain.Envelope{ID: newID(), Type: typ, SchemaVersion: ver, Actor: "bench", Data: data})
		}
		if _, err := cb.events.Append(context.Background(), warehouse.StreamID(skus[i]), 0, evs); err != nil {
			b.Fatal(err)
		}
	}
	return skus
}

// receive sends one ReceiveStock for sku in process.
func (cb *commandBench) receive(b *testing.B, sku string) {
	body := `{"sku":"` + sku + `","quantity":1}`
	if _, err := cb.app.Dispatch(context.Background(), "warehouse.ReceiveStock", []byte(body)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCommandStreamLength measures a warm-cache command on items
// with about 20 events against items with about 2,000 (target: at most
// 1.2× the cost). Commands go round-robin over the items, so the streams
// grow by b.N/items during the run.
func BenchmarkCommandStreamLength(b *testing.B) {
	for _, stores := range benchStores {
		for _, c := range []struct {
			name          string
			items, length int
		}{{"events-20", 5000, 20}, {"events-2000", 50, 2000}} {
			b.Run(stores+"/"+c.name, func(b *testing.B) { commandRoundRobin(b, newCommandBench(b, stores, 0), c.items, c.length) })
		}
	}
}

// commandRoundRobin sends warm commands round-robin over items items of
// length events.
func commandRoundRobin(b *testing.B, cb *commandBench, items, length int) {
	skus := cb.seed(b, "S", items, length)
	for _, sku := range skus { // warm the cache
		cb.receive(b, sku)
	}
	i := 0
	for b.Loop() {
		cb.receive(b, skus[i%len(skus)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commands/s")
}

// BenchmarkCommandHotSet measures commands on items picked at random from
// a hot set the repository's cache holds entirely, against a hot set twice
// as large as the cache (target: at least 0.5× the throughput).
func BenchmarkCommandHotSet(b *testing.B) {
	const cached, length = 1000, 20
	for _, stores := range benchStores {
		for _, c := range []struct {
			name  string
			items int
		}{{"all-cached", cached}, {"twice-the-cache", 2 * cached}} {
			b.Run(stores+"/"+c.name, func(b *testing.B) {
				cb := newCommandBench(b, stores, cached)
				skus := cb.seed(b, "H", c.items, length)
				for _, sku := range skus {
					cb.receive(b, sku)
				}
				rng := rand.New(rand.NewPCG(1, 2))
				for b.Loop() {
					cb.receive(b, skus[rng.IntN(len(skus))])
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commands/s")
			})
		}
	}
}
