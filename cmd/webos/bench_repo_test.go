package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

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
	snaps  *countedSnapshots
}

// countedSnapshots counts snapshot loads: the repository loads one on
// every cache miss, none on a hit.
type countedSnapshots struct {
	application.SnapshotStore
	loads atomic.Int64
}

// LoadSnapshot counts, then loads.
func (s *countedSnapshots) LoadSnapshot(ctx context.Context, stream string) (application.Snapshot, bool, error) {
	s.loads.Add(1)
	return s.SnapshotStore.LoadSnapshot(ctx, stream)
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
	counted := &countedSnapshots{SnapshotStore: snaps}
	app := application.New(application.Deps{
		Events: events, ReadModels: rmmemory.New(), Snapshots: counted, Validator: jsonschema.NewValidator(),
		NewID: newID, Logger: logging.New(io.Discard, 8), CachedStreams: cachedStreams,
	})
	app.Load(warehouse.Module{})
	return &commandBench{app: app, events: events, snaps: counted}
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
// with about 20 events against one on items with about 2,000 (target: at
// most 1.2× the cost), alternating the two in one loop so that both see
// the same machine load. Commands go round-robin over 1,000 short and 50
// long items, so the streams grow by b.N/1,000 and b.N/50 during the run.
//
// The store-only runs are the baseline: what the same streams cost the
// event store alone (read after the last version, append one event),
// without the repository.
func BenchmarkCommandStreamLength(b *testing.B) {
	for _, stores := range benchStores {
		b.Run(stores, func(b *testing.B) {
			cb := newCommandBench(b, stores, 0)
			short, long := cb.warm(b, cb.seed(b, "S", 1000, 20), false), cb.warm(b, cb.seed(b, "L", 50, 2000), false)
			paired(b, "events-20", "events-2000", short, long, nil)
		})
		b.Run(stores+"-store-only", func(b *testing.B) {
			cb := newCommandBench(b, stores, 0)
			paired(b, "events-20", "events-2000", cb.rawAppends(b, cb.seed(b, "S", 1000, 20), 20), cb.rawAppends(b, cb.seed(b, "L", 50, 2000), 2000), nil)
		})
	}
}

// rawAppends returns a function that does to the event store what a warm
// command on the next item (round-robin) does: read the stream after its
// last version, append one event.
func (cb *commandBench) rawAppends(b *testing.B, skus []string, length int) func() {
	versions := make([]uint64, len(skus))
	for i := range versions {
		versions[i] = uint64(length)
	}
	typ, ver, data, err := cb.app.Events().Encode(contract.StockReceived{SKU: "bench", Quantity: 1})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	return func() {
		n, id := i%len(skus), warehouse.StreamID(skus[i%len(skus)])
		i++
		ctx := context.Background()
		if _, err := cb.events.ReadStream(ctx, id, versions[n]+1, application.Forward, 0); err != nil {
			b.Fatal(err)
		}
		env := domain.Envelope{ID: newID(), Type: typ, SchemaVersion: ver, Actor: "bench", Data: data}
		if _, err := cb.events.Append(ctx, id, domain.ExpectedVersion(versions[n]), []domain.Envelope{env}); err != nil {
			b.Fatal(err)
		}
		versions[n]++
	}
}

// BenchmarkCommandHotSet measures commands on items picked at random from
// a hot set of 100-event items that the repository's cache (1,000
// streams) holds entirely, against a hot set twice as large as the cache
// in a second engine (target: at least 0.5× the throughput), alternating
// the two.
//
// The -scan runs measure scan resistance: a hot set of half the cache,
// already used twice, in one engine, against the same hot set in a second
// engine that loads two cold items (of 10,000, each seen once per pass)
// before each hot command, as an export or report job reading every item
// does. Only the hot commands are timed; hot-misses/cmd is the share of
// them that missed the cache.
func BenchmarkCommandHotSet(b *testing.B) {
	const cached = 1000
	for _, stores := range benchStores {
		b.Run(stores, func(b *testing.B) {
			fits, twice := newCommandBench(b, stores, cached), newCommandBench(b, stores, cached)
			paired(b, "all-cached", "twice-the-cache",
				fits.warm(b, fits.seed(b, "H", cached, 100), true), twice.warm(b, twice.seed(b, "H", 2*cached, 100), true), nil)
		})
		b.Run(stores+"-scan", func(b *testing.B) {
			quiet, scanned := newCommandBench(b, stores, cached), newCommandBench(b, stores, cached)
			hot, misses := scanned.hot(b, cached/2), int64(0)
			paired(b, "hot", "hot-during-scan", quiet.hot(b, cached/2), func() {
				n := scanned.snaps.loads.Load()
				hot()
				misses += scanned.snaps.loads.Load() - n
			}, scanned.scan(b, scanned.seed(b, "C", 10*cached, 1), 2))
			b.ReportMetric(float64(misses)/float64(b.N), "hot-misses/cmd")
		})
	}
}

// hot seeds items 100-event items and sends two commands to each, so they
// are a hot set the cache has seen used, then returns what warm does.
func (cb *commandBench) hot(b *testing.B, items int) func() {
	skus := cb.seed(b, "H", items, 100)
	cb.warm(b, skus, false)
	return cb.warm(b, skus, true)
}

// scan returns a function that loads the next per items of skus,
// round-robin, through the warehouse's StockLevels service.
func (cb *commandBench) scan(b *testing.B, skus []string, per int) func() {
	levels, err := application.Lookup[contract.StockLevels](cb.app.Services())
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	return func() {
		for range per {
			if _, err := levels.Level(context.Background(), skus[i%len(skus)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

// warm sends one command to every item, then returns a function that
// sends the next command: to an item picked at random, or round-robin.
func (cb *commandBench) warm(b *testing.B, skus []string, random bool) func() {
	for _, sku := range skus {
		cb.receive(b, sku)
	}
	i, rng := 0, rand.New(rand.NewPCG(1, 2))
	return func() {
		if random {
			cb.receive(b, skus[rng.IntN(len(skus))])
			return
		}
		cb.receive(b, skus[i%len(skus)])
		i++
	}
}

// paired runs one command from base and one from other per iteration,
// in turns first (the second of two runs measurably slower, whichever it
// is), and reports the mean cost of each and other's relative to base's.
// A non-nil before runs, untimed, ahead of each run of other.
func paired(b *testing.B, baseName, otherName string, base, other, before func()) {
	var tb, to time.Duration
	timed := func(f func()) time.Duration {
		t := time.Now()
		f()
		return time.Since(t)
	}
	timedOther := func() time.Duration {
		if before != nil {
			before()
		}
		return timed(other)
	}
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			tb += timed(base)
			to += timedOther()
		} else {
			to += timedOther()
			tb += timed(base)
		}
	}
	b.ReportMetric(float64(tb.Microseconds())/float64(b.N), baseName+"-µs/cmd")
	b.ReportMetric(float64(to.Microseconds())/float64(b.N), otherName+"-µs/cmd")
	b.ReportMetric(float64(to)/float64(tb), "cost-ratio")
}
