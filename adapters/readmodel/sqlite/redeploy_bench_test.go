package sqlite_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/readmodel/sqlite"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

// ticked is the benchmark's one event type.
type ticked struct {
	N int `json:"n"`
}

func (ticked) EventType() string { return "test.Ticked" }

// scores is the collection of the benchmark's projection: 2,000 rows,
// each rewritten by every 2,000th event.
var scores = application.CollectionSpec{Name: "bench_scores",
	Fields: []application.FieldSpec{{Name: "score", Type: application.Number}}, Indexes: [][]string{{"score"}}}

func scoresProjection(v int) *application.Projection {
	p := application.NewProjection("bench.scores", scores).SetVersion(v)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e ticked) error {
		id := fmt.Sprint(env.Position % 2000)
		doc, err := application.LoadDoc[struct {
			Score int `json:"score"`
		}](ctx, tx, scores.Name, id)
		if err != nil {
			return err
		}
		doc.Score += e.N * v
		return tx.Upsert(ctx, scores.Name, id, doc)
	})
	return p
}

// BenchmarkViewReadsDuringRebuild measures, in one run on a SQLite
// read-model store, the latency of a view query (the 50 top scores, by
// index) while nothing else runs, then while version 2 of the projection
// is rebuilt in the background from the same feed (WEBOS_BENCH_EVENTS
// events, 100,000 by default), up to and across the switch. Run it with
// -benchtime 1x.
func BenchmarkViewReadsDuringRebuild(b *testing.B) {
	ctx := context.Background()
	events := memory.New()
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[ticked](reg, 1); err != nil {
		b.Fatal(err)
	}
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("WEBOS_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	for i := 0; i < n; i += 1000 {
		batch := make([]domain.Envelope, 1000)
		for j := range batch {
			batch[j] = domain.Envelope{ID: fmt.Sprintf("e%d", i+j), Type: "test.Ticked", SchemaVersion: 1, Data: []byte(`{"n":1}`)}
		}
		if _, err := events.Append(ctx, fmt.Sprintf("s%d", i), domain.AnyVersion, batch); err != nil {
			b.Fatal(err)
		}
	}
	store, err := sqlite.Open(filepath.Join(b.TempDir(), "rm.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	v1 := projections.New(events, store, reg, []*application.Projection{scoresProjection(1)}, log, projections.Options{})
	if err := v1.CatchUp(ctx); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rt := projections.New(events, store, reg, []*application.Projection{scoresProjection(2)}, log, projections.Options{})
		read := func() time.Duration {
			start := time.Now()
			if _, err := rt.Views().Find(ctx, scores.Name, application.Query{Sort: []application.SortKey{{Field: "score", Desc: true}}}); err != nil {
				b.Fatal(err)
			}
			return time.Since(start)
		}
		if err := rt.Declare(ctx); err != nil {
			b.Fatal(err)
		}
		var idle []time.Duration
		for start := time.Now(); time.Since(start) < 2*time.Second; {
			idle = append(idle, read())
		}
		runCtx, cancel := context.WithCancel(ctx)
		start := time.Now()
		if err := rt.Start(runCtx); err != nil {
			b.Fatal(err)
		}
		var switched atomic.Bool
		var took time.Duration
		go func() {
			for ; ; time.Sleep(5 * time.Millisecond) {
				if st := rt.Status(ctx)[0]; st.Version == 2 && st.Rebuild == nil {
					took = time.Since(start)
					switched.Store(true)
					return
				}
			}
		}()
		var busy []time.Duration
		for !switched.Load() {
			busy = append(busy, read())
		}
		cancel()
		rt.Wait()
		pi, pb := percentiles(idle), percentiles(busy)
		b.ReportMetric(float64(pi[0].Microseconds()), "idle-p50-µs")
		b.ReportMetric(float64(pi[1].Microseconds()), "idle-p99-µs")
		b.ReportMetric(float64(pb[0].Microseconds()), "rebuild-p50-µs")
		b.ReportMetric(float64(pb[1].Microseconds()), "rebuild-p99-µs")
		b.ReportMetric(float64(pb[2].Microseconds()), "rebuild-max-µs")
		b.ReportMetric(float64(n)/took.Seconds(), "rebuild-events/s")
		b.Logf("%d events rebuilt and switched in %s; %d reads idle, %d during the rebuild", n, took.Round(time.Millisecond), len(idle), len(busy))
	}
}

// percentiles returns p50, p99 and the maximum of ds.
func percentiles(ds []time.Duration) [3]time.Duration {
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return [3]time.Duration{at(0.5), at(0.99), ds[len(ds)-1]}
}
