package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	rmsqlite "github.com/webos-engine/webos/adapters/readmodel/sqlite"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/cmd/internal/loadgen"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

func benchEngine(b *testing.B) *engine {
	b.Helper()
	e, err := openEngine(commonFlags{dataDir: b.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.close() })
	return e
}

// BenchmarkHTTP measures commands end to end (warehouse.ReceiveStock on
// existing items, 32 concurrent clients, no If-Match, projections
// running) against the baseline of GET /healthz through the same server
// and clients; ReceiveStock-8-items puts the 32 clients on 8 hot items
// (target: no 409 and at least 0.8× the throughput on 200 items).
// ReceiveStock is sent with an API token of a user whose role grants
// warehouse.* and who works in the tenant "bench", so it pays for
// authentication, the permission check and the tenant (stream ids and
// documents keyed by it, every document stamped with it);
// ReceiveStock-authz-off is the same load on a second engine in the same
// run with application.AllowAll, no authentication and the default
// tenant (issue #8: the difference at most 5% of the end-to-end figure).
func BenchmarkHTTP(b *testing.B) {
	on, token := benchServer(b, application.Roles{})
	off, _ := benchServer(b, application.AllowAll{})
	const items = 200
	b.Run("baseline-healthz", func(b *testing.B) {
		load(b, "", func(int) (string, string) { return on + "/healthz", "" })
	})
	receive := func(url string, hot int) func(i int) (string, string) {
		return func(i int) (string, string) {
			return url + "/api/commands/warehouse.ReceiveStock", fmt.Sprintf(`{"sku":"SKU-%d","quantity":1,"reference":"bench"}`, i%hot)
		}
	}
	b.Run("ReceiveStock", func(b *testing.B) { load(b, token, receive(on, items)) })
	b.Run("ReceiveStock-authz-off", func(b *testing.B) { load(b, "", receive(off, items)) })
	b.Run("ReceiveStock-8-items", func(b *testing.B) { load(b, token, receive(on, 8)) })
}

// benchServer serves an engine with the Authorizer az and 200 items,
// with its projections running, until b ends. With application.Roles it
// authenticates, and token is a clerk's API token (role clerk:
// warehouse.*); otherwise every request is anonymous.
func benchServer(b *testing.B, az application.Authorizer) (url, token string) {
	b.Helper()
	e, err := openEngineWith(commonFlags{dataDir: b.TempDir()}, logging.New(io.Discard, 8), az, moduleConfig{}, observers{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(func() { cancel(); e.projections.Wait(); _ = e.close() })
	if err := e.projections.Start(ctx); err != nil {
		b.Fatal(err)
	}
	cfg := httpapi.Config{App: e.app, Events: e.events, Logger: logging.New(io.Discard, 8)}
	in := ctx
	if _, roles := az.(application.Roles); roles {
		cfg.Auth = e.auth
		token = clerkTokenIn(b, e, "bench")
		in = asSystemIn(ctx, "bench", "bench")
	}
	srv := httptest.NewServer(httpapi.New(cfg))
	b.Cleanup(srv.Close)
	for i := range 200 {
		body := fmt.Sprintf(`{"sku":"SKU-%d","name":"Item %d","unit":"pcs","lowStockThreshold":1}`, i, i)
		if _, err := e.app.Dispatch(in, "warehouse.RegisterItem", []byte(body)); err != nil {
			b.Fatal(err)
		}
	}
	return srv.URL, token
}

// clerkToken creates the demo's clerk role and a user holding it, and
// returns an API token of that user.
func clerkToken(b *testing.B, e *engine) string {
	b.Helper()
	return clerkTokenIn(b, e, "")
}

// asSystemIn is ctx acting as the engine's name working in tenant.
func asSystemIn(ctx context.Context, name, tenant string) context.Context {
	p := application.SystemPrincipal(name)
	p.Tenant = tenant
	return application.WithPrincipal(ctx, p)
}

// clerkTokenIn is clerkToken for a clerk created in, and working in,
// tenant ("" is the default one).
func clerkTokenIn(b *testing.B, e *engine, tenant string) string {
	b.Helper()
	ctx := asSystemIn(context.Background(), "bench", tenant)
	email := "clerk@bench.example"
	if tenant != "" {
		email = "clerk-" + tenant + "@bench.example"
	}
	body, _ := json.Marshal(demoRole)
	if _, err := e.app.Dispatch(ctx, "identity.DefineRole", body); err != nil {
		b.Fatal(err)
	}
	if _, err := e.createUser(ctx, email, "", []string{demoRole.Role}); err != nil {
		b.Fatal(err)
	}
	acc, _ := e.directory.AccountByEmail(ctx, email)
	it, err := e.auth.IssueToken(ctx, acc.ID, "bench", nil, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	return it.Secret
}

// load sends b.N requests from 32 concurrent clients, with token if any, and reports the rate,
// the latency percentiles and the number of 409 answers; any other answer
// than 200 or 409 fails the benchmark, and so does a 409 at the end.
func load(b *testing.B, token string, req func(i int) (url, body string)) {
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), 32, b.N, func(i int) loadgen.Request {
		url, body := req(i)
		return loadgen.Request{URL: url, Body: body, Token: token}
	})
	if err != nil {
		b.Fatal(err)
	}
	conflicts := res.Status[http.StatusConflict]
	if other := b.N - res.Status[http.StatusOK] - conflicts; other > 0 {
		b.Errorf("%d answers neither 200 nor 409: %v", other, res.Status)
	}
	b.ReportMetric(res.PerSecond(), "req/s")
	b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(conflicts), "409s")
	if conflicts > 0 {
		b.Errorf("%d of %d commands answered 409", conflicts, b.N)
	}
}

// BenchmarkRebuild measures rebuilding the warehouse projections from a
// store of WEBOS_BENCH_EVENTS events (default 100,000; make bench uses
// 1,000,000) against two baselines: only reading the feed, and storing
// the movements view's documents with raw SQLite (rawMovements).
func BenchmarkRebuild(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("WEBOS_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	e := benchEngine(b)
	fillWarehouse(b, e, n)
	ctx := context.Background()
	b.Run("baseline-read-feed", func(b *testing.B) {
		for b.Loop() {
			read := 0
			for after := uint64(0); ; {
				evs, err := e.events.ReadAll(ctx, after, 1000)
				if err != nil {
					b.Fatal(err)
				}
				if len(evs) == 0 {
					break
				}
				read += len(evs)
				after = evs[len(evs)-1].Position
			}
			if read != n {
				b.Fatalf("read %d events, want %d", read, n)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	})
	for _, name := range []string{"warehouse.stock", "warehouse.movements"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := e.projections.Rebuild(ctx, name); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
	b.Run("baseline-raw-sqlite-movements", func(b *testing.B) { rawMovements(b, e, n) })
}

// rawBatch is how many events the projections runtime applies per
// read-model transaction during a rebuild (projections.Options'
// CatchUpBatchSize default); the raw baseline commits the documents of as
// many events at a time.
const rawBatch = 5000

// rawMovements is the honest bound for the movements rebuild: the same
// documents, in the same order and transaction sizes, inserted with a
// bare prepared statement into a table and indexes that the read-model
// adapter itself created, on a connection with its write pragmas. What
// the rebuild costs beyond this is the feed, the projection and the
// adapter. It reports events/s over the n events the documents came from,
// comparable with the rebuild's figure.
func rawMovements(b *testing.B, e *engine, n int) {
	ctx := context.Background()
	var spec application.CollectionSpec
	for _, p := range e.app.Projections() {
		if p.Name() == "warehouse.movements" {
			spec = p.Collections()[0]
		}
	}
	docs := movementDocs(b, e, spec.Name)
	for b.Loop() {
		b.StopTimer()
		db, insert := rawMovementsTable(b, spec)
		b.StartTimer()
		for start := 0; start < len(docs); start += rawBatch {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			st := tx.StmtContext(ctx, insert)
			for _, d := range docs[start:min(start+rawBatch, len(docs))] {
				if _, err := st.ExecContext(ctx, d.id, d.doc); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(len(docs))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

type rawDoc struct{ id, doc string }

// movementDocs reads back every movement document in feed order,
// rebuilding the view first if an earlier sub-benchmark has not.
func movementDocs(b *testing.B, e *engine, collection string) []rawDoc {
	ctx := context.Background()
	if n, err := e.models.Count(ctx, collection, nil); err != nil || n == 0 {
		if _, err := e.projections.Rebuild(ctx, "warehouse.movements"); err != nil {
			b.Fatal(err)
		}
	}
	var docs []rawDoc
	q := application.Query{Sort: []application.SortKey{{Field: "position"}}, Limit: 1000}
	for {
		page, err := e.models.Find(ctx, collection, q)
		if err != nil {
			b.Fatal(err)
		}
		for _, raw := range page.Items {
			var m warehouse.Movement
			if err := json.Unmarshal(raw, &m); err != nil {
				b.Fatal(err)
			}
			docs = append(docs, rawDoc{m.ID, string(raw)})
		}
		if q.Cursor = page.Next; q.Cursor == "" {
			return docs
		}
	}
}

// rawMovementsTable has the read-model adapter create the collection in a
// new file, then opens that file raw with the adapter's write pragmas
// (keep in step with adapters/readmodel/sqlite.Open) and prepares the
// insert.
func rawMovementsTable(b *testing.B, spec application.CollectionSpec) (*sql.DB, *sql.Stmt) {
	path := filepath.Join(b.TempDir(), "raw.db")
	s, err := rmsqlite.Open(path)
	if err == nil {
		err = errors.Join(s.Declare(context.Background(), spec), s.Close())
	}
	if err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=temp_store(memory)"+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(10000)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	var table string
	if err := db.QueryRow("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").Scan(&table); err != nil {
		b.Fatal(err)
	}
	insert, err := db.Prepare(`INSERT INTO "` + table + `" (id, doc) VALUES (?, jsonb(?))`)
	if err != nil {
		b.Fatal(err)
	}
	return db, insert
}

// fillWarehouse appends n warehouse events straight to the store (the
// command path is measured by BenchmarkHTTP): 1,000 items, each append
// 10 events of one item, items taken round-robin, so a projection batch
// touches one item per 10 events, like a busy but not pathological feed.
func fillWarehouse(b *testing.B, e *engine, n int) {
	b.Helper()
	ctx := context.Background()
	const items, perAppend = 1000, 10
	versions := make([]uint64, items)
	for done, item := 0, 0; done < n; item = (item + 1) % items {
		sku := fmt.Sprint("SKU-", item)
		evs := make([]domain.Envelope, 0, perAppend)
		for len(evs) < perAppend && done < n {
			var ev domain.Event = contract.StockReceived{SKU: sku, Quantity: 2, Reference: "bench"}
			if versions[item] == 0 && len(evs) == 0 {
				ev = contract.ItemRegistered{SKU: sku, Name: "Bench item", Unit: "pcs"}
			}
			evs = append(evs, envelope(b, e, ev))
			done++
		}
		if _, err := e.events.Append(ctx, warehouse.StreamID(sku), domain.ExpectedVersion(versions[item]), evs); err != nil {
			b.Fatal(err)
		}
		versions[item] += uint64(len(evs))
	}
}

// BenchmarkLoadAggregate measures loading an Item with 10,000 events
// (target ≤ 20 ms) against the baseline of reading its stream raw: cold
// (cache and snapshots off: all 10,000 events read and decoded), from a
// snapshot 499 events behind (the worst case with a snapshot every 500),
// and through the repository's cache.
func BenchmarkLoadAggregate(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	const sku = "BIG"
	appendItem(b, e, sku, 0, 9_501)
	snapshotter := application.NewRepository(e.events, e.app.Events(), application.RepositoryOptions{NewID: newID, CachedStreams: -1})
	it := warehouse.NewItem(sku)
	if err := snapshotter.Load(ctx, it); err != nil {
		b.Fatal(err)
	}
	data, err := it.MarshalSnapshot()
	if err != nil {
		b.Fatal(err)
	}
	at, err := e.events.ReadStream(ctx, it.ID(), it.Version(), application.Forward, 1)
	if err != nil || len(at) != 1 {
		b.Fatal(err)
	}
	snap := application.Snapshot{StreamID: it.ID(), Version: it.Version(), EventHash: at[0].Hash, Schema: it.SnapshotSchema(), Data: data}
	if err := e.snapshots.SaveSnapshot(ctx, snap); err != nil {
		b.Fatal(err)
	}
	appendItem(b, e, sku, 9_501, 10_000)
	b.Run("baseline-read-stream", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.events.ReadStream(ctx, warehouse.StreamID(sku), 0, 0, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	repos := map[string]*application.Repository{
		"load-item-cold": application.NewRepository(e.events, e.app.Events(), application.RepositoryOptions{NewID: newID, CachedStreams: -1}),
		"load-item-snapshot": application.NewRepository(e.events, e.app.Events(), application.RepositoryOptions{
			NewID: newID, CachedStreams: -1, Snapshots: e.snapshots}),
		"load-item-cached": application.NewRepository(e.events, e.app.Events(), application.RepositoryOptions{NewID: newID}),
	}
	for name, repo := range repos {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				it := warehouse.NewItem(sku)
				if err := repo.Load(ctx, it); err != nil || it.Version() != 10_000 {
					b.Fatalf("load: %v (version %d)", err, it.Version())
				}
			}
		})
	}
}

// appendItem stores events from+1 to to of one item: registered first,
// then receipts.
func appendItem(b *testing.B, e *engine, sku string, from, to int) {
	b.Helper()
	for v := from; v < to; {
		evs := make([]domain.Envelope, 0, 500)
		for len(evs) < 500 && v+len(evs) < to {
			var ev domain.Event = contract.StockReceived{SKU: sku, Quantity: 1}
			if v+len(evs) == 0 {
				ev = contract.ItemRegistered{SKU: sku, Name: "Big", Unit: "pcs"}
			}
			evs = append(evs, envelope(b, e, ev))
		}
		if _, err := e.events.Append(context.Background(), warehouse.StreamID(sku), domain.ExpectedVersion(v), evs); err != nil {
			b.Fatal(err)
		}
		v += len(evs)
	}
}

func envelope(b *testing.B, e *engine, ev domain.Event) domain.Envelope {
	typ, ver, data, err := e.app.Events().Encode(ev)
	if err != nil {
		b.Fatal(err)
	}
	return domain.Envelope{ID: newID(), Type: typ, SchemaVersion: ver, RecordedAt: time.Now(), Actor: "bench", Data: data}
}
