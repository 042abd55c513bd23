package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Run with: go test -run '^$' -bench . ./adapters/eventstore/sqlite/
// Every benchmark uses the default synchronous=FULL: one fsync per commit.

var benchSeq atomic.Int64

// benchEvents returns n realistic events: a trace context and ~100 bytes
// of data.
func benchEvents(n int) []domain.Envelope {
	out := make([]domain.Envelope, n)
	for i := range out {
		id := strconv.FormatInt(benchSeq.Add(1), 10)
		out[i] = domain.Envelope{
			ID: "evt-" + id, Type: "warehouse.StockReceived", SchemaVersion: 1, RecordedAt: time.Now(),
			Actor: "user:bench", Tenant: "acme", CorrelationID: "corr-" + id, CausationID: "cmd-" + id,
			TraceContext: map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
			Data:         json.RawMessage(`{"sku":"SKU-` + id + `","quantity":12,"location":"A-01-03","lot":"2031-07"}`),
		}
	}
	return out
}

func benchStore(b *testing.B) *Store {
	s, err := Open(filepath.Join(b.TempDir(), "events.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := s.Close(); err != nil {
			b.Error(err)
		}
	})
	return s
}

// rate reports events/s and the CPU time per event (all goroutines,
// including SQLite's work and the GC) since start.
func rate(b *testing.B, events int, start time.Duration) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Microsecond)/float64(events), "cpu-µs/event")
}

// BenchmarkAppendSingle appends one event per call, sequentially, to the
// same stream, so every append also reads the head of a growing stream.
func BenchmarkAppendSingle(b *testing.B) {
	s, ctx := benchStore(b), context.Background()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Append(ctx, "bench", domain.ExpectedVersion(i), benchEvents(1)); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N, start)
}

// BenchmarkAppendBatch appends 100 events per call to the same stream.
func BenchmarkAppendBatch(b *testing.B) {
	const batch = 100
	s, ctx := benchStore(b), context.Background()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Append(ctx, "bench", domain.ExpectedVersion(i*batch), benchEvents(batch)); err != nil {
			b.Fatal(err)
		}
	}
	rate(b, b.N*batch, start)
}

// BenchmarkAppendConcurrent runs 32 goroutines, each appending single
// events to its own stream: group commit lets them share fsyncs.
func BenchmarkAppendConcurrent(b *testing.B) {
	const workers = 32
	s, ctx := benchStore(b), context.Background()
	var left atomic.Int64
	left.Store(int64(b.N))
	b.ResetTimer()
	start := cpuTime()
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
	rate(b, b.N, start)
}

// BenchmarkReadStream10k reads a 10,000-event stream forward in one call.
func BenchmarkReadStream10k(b *testing.B) {
	const size = 10_000
	s, ctx := benchStore(b), context.Background()
	for i := range size / 100 {
		if _, err := s.Append(ctx, "big", domain.ExpectedVersion(i*100), benchEvents(100)); err != nil {
			b.Fatal(err)
		}
	}
	start := cpuTime()
	for b.Loop() {
		got, err := s.ReadStream(ctx, "big", 0, application.Forward, 0)
		if err != nil || len(got) != size {
			b.Fatalf("read %d events: %v", len(got), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed())/float64(time.Millisecond)/float64(b.N), "ms/read")
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/read")
}
