package postgres_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/domain"
)

// Run with: go test -run '^$' -bench . ./adapters/eventstore/postgres/
// Every benchmark commits with the server's default durability
// (synchronous_commit on: the commit waits for its WAL flush).

// benchEvents returns n realistic events: a trace context and ~100 bytes
// of data.
func benchEvents(n int) []domain.Envelope {
	out := make([]domain.Envelope, n)
	for i := range out {
		id := strconv.FormatInt(lastID.Add(1), 10)
		out[i] = domain.Envelope{
			ID: "bench-" + id, Type: "warehouse.StockReceived", SchemaVersion: 1, RecordedAt: time.Now(),
			Actor: "user:bench", Tenant: "acme", CorrelationID: "corr-" + id, CausationID: "cmd-" + id,
			TraceContext: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
			Data:         json.RawMessage(`{"sku":"SKU-` + id + `","quantity":12,"location":"A-01-03","lot":"2031-07"}`),
		}
	}
	return out
}

func benchStore(b *testing.B) (*postgres.Store, string) {
	schema := pgtest.Schema(b, "es_bench")
	s, err := postgres.Open(context.Background(), pgtest.URL(b), postgres.WithSchema(schema))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s, schema
}

func rate(b *testing.B, events int) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAppendSingle appends one event per call, sequentially, to the
// same stream: chain on the cached head, then one statement that locks
// the stream, checks its head, draws the position, inserts and commits.
func BenchmarkAppendSingle(b *testing.B) {
	s, _ := benchStore(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Append(ctx, "bench", domain.ExpectedVersion(i), benchEvents(1)); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N)
}

// BenchmarkRawInsert is the baseline of BenchmarkAppendSingle: the same
// table and row, inserted by plain pgx on one connection, one row per
// transaction (autocommit, the same synchronous commit), without head
// lookup, locks, hashing or the pool.
func BenchmarkRawInsert(b *testing.B) {
	_, schema := benchStore(b)
	insert := rawInserter(b, schema)
	for i := 0; b.Loop(); i++ {
		insert(i + 1)
	}
	rate(b, b.N)
}

// BenchmarkAppendSingleVsRaw alternates BenchmarkAppendSingle's append and
// BenchmarkRawInsert's insert, timing each: on a loaded machine the two
// figures of a pair meet the same load, which separate runs do not. It
// reports the ratio of append throughput to raw-insert throughput.
func BenchmarkAppendSingleVsRaw(b *testing.B) {
	s, schema := benchStore(b)
	insert := rawInserter(b, schema)
	ctx := context.Background()
	var appendTime, rawTime time.Duration
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if _, err := s.Append(ctx, "bench", domain.ExpectedVersion(i), benchEvents(1)); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		insert(i + 1)
		appendTime, rawTime = appendTime+t1.Sub(t0), rawTime+time.Since(t1)
	}
	b.ReportMetric(float64(appendTime.Microseconds())/float64(b.N), "append-µs/op")
	b.ReportMetric(float64(rawTime.Microseconds())/float64(b.N), "raw-µs/op")
	b.ReportMetric(rawTime.Seconds()/appendTime.Seconds(), "ratio")
}

// rawInserter returns a function that inserts one row at version i of the
// stream "raw" in schema, as BenchmarkRawInsert describes.
func rawInserter(b *testing.B, schema string) func(i int) {
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close(ctx) })
	const insert = `INSERT INTO events (position, xid, stream_id, version, id, type, schema_version,
		recorded_at, actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash)
		VALUES (nextval('events_position_seq'), pg_current_xact_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`
	return func(i int) {
		e := benchEvents(1)[0]
		trace, _ := json.Marshal(e.TraceContext)
		_, err := conn.Exec(ctx, insert, "raw", i, e.ID, e.Type, e.SchemaVersion, e.RecordedAt.UTC().Format(time.RFC3339Nano),
			e.Actor, e.Tenant, e.CorrelationID, e.CausationID, string(trace), string(e.Data), "", "v2:h")
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendBatch appends 100 events per call to the same stream.
func BenchmarkAppendBatch(b *testing.B) {
	const batch = 100
	s, _ := benchStore(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Append(ctx, "bench", domain.ExpectedVersion(i*batch), benchEvents(batch)); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N*batch)
}

// BenchmarkAppendConcurrent runs 32 goroutines, each appending single
// events to its own stream: their transactions run side by side, and
// PostgreSQL flushes their commits together.
func BenchmarkAppendConcurrent(b *testing.B) {
	const workers = 32
	s, _ := benchStore(b)
	ctx := context.Background()
	var left atomic.Int64
	left.Store(int64(b.N))
	b.ResetTimer()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			stream := "bench-" + strconv.Itoa(w)
			for v := 0; left.Add(-1) >= 0; v++ {
				if _, err := s.Append(ctx, stream, domain.ExpectedVersion(v), benchEvents(1)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	rate(b, b.N)
}
