package main_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	espostgres "github.com/webos-engine/webos/adapters/eventstore/postgres"
	essqlite "github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmsqlite "github.com/webos-engine/webos/adapters/readmodel/sqlite"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/application"
	ordcontract "github.com/webos-engine/webos/modules/orders/contract"
	"github.com/webos-engine/webos/modules/payments/simulated"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// BenchmarkThousandConcurrentOrders places 1,000 orders at once (one line
// each, stock for all, every payment approved) on the embedded default's
// SQLite stores and runs each through the OrderFulfilment saga to
// confirmation: orders/s is the throughput of the whole process, seven
// commands and their saga bookkeeping per order. Run it with
// -benchtime=1x; the commands run in-process, not over a bus. The event
// store is SQLite (the embedded default) or PostgreSQL (the read models
// stay on SQLite).
func BenchmarkThousandConcurrentOrders(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		events, err := essqlite.Open(filepath.Join(b.TempDir(), "events.db"))
		if err != nil {
			b.Fatal(err)
		}
		thousandOrders(b, events)
	})
	b.Run("postgres", func(b *testing.B) {
		events, err := espostgres.Open(context.Background(), pgtest.URL(b), espostgres.WithSchema(pgtest.Schema(b, "orders_bench")))
		if err != nil {
			b.Fatal(err)
		}
		thousandOrders(b, events)
	})
}

func thousandOrders(b *testing.B, events application.EventStore) {
	const n = 1000
	models, err := rmsqlite.Open(filepath.Join(b.TempDir(), "readmodels.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = events.Close(); _ = models.Close() })
	var ids int
	var idMu sync.Mutex
	app := application.New(application.Deps{Events: events, ReadModels: models, Validator: jsonschema.NewValidator(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NewID: func() string {
			idMu.Lock()
			defer idMu.Unlock()
			ids++
			return fmt.Sprintf("id-%d", ids)
		}})
	module, gw := &sagas.Module{}, simulated.New(simulated.Behaviour{})
	app.Load(fulfilmentModules(module, gw, time.Minute)...)
	for _, st := range app.Modules() {
		if st.Status != application.StatusRunning {
			b.Fatalf("module %s: %s", st.Name, st.Error)
		}
	}
	r := startFulfilment(b, app, module, events, models, gw)
	ctx := context.Background()
	if _, err := application.Send(ctx, app, whcontract.RegisterItem{SKU: "BULK", Name: "Bulk", Unit: "pcs"}); err != nil {
		b.Fatal(err)
	}
	if _, err := application.Send(ctx, app, whcontract.ReceiveStock{SKU: "BULK", Quantity: 1_000_000_000}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for round := range b.N {
		orderIDs := make([]string, n)
		var placed sync.WaitGroup
		for i := range orderIDs {
			orderIDs[i] = fmt.Sprintf("B%d-%04d", round, i)
			placed.Go(func() {
				if _, err := application.Send(ctx, app, ordcontract.PlaceOrder{OrderID: orderIDs[i], CustomerID: "C", Currency: "EUR",
					Lines: []ordcontract.Line{{SKU: "BULK", Quantity: 1, UnitPrice: 100}}}); err != nil {
					b.Error(err)
				}
			})
		}
		placed.Wait()
		for id, st := range r.waitEnded(b, orderIDs, 10*time.Minute) {
			if st != sagas.StatusCompleted {
				b.Fatalf("order %s: %s", id, st)
			}
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "orders/s")
}
