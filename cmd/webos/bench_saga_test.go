package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// sagaBench is a module whose saga sends three warehouse commands in
// sequence: reserve, release, receive.
type sagaBench struct{}

type benchRequested struct {
	ID  string `json:"id"`
	SKU string `json:"sku"`
}

func (benchRequested) EventType() string { return "sagabench.Requested" }

type benchState struct {
	ID  string `json:"id"`
	SKU string `json:"sku"`
}

func (sagaBench) Manifest() application.Manifest {
	return application.Manifest{Name: "sagabench", Version: "1.0.0", Dependencies: []string{"warehouse"}}
}

func (sagaBench) Register(r *application.Registrar) error {
	application.RegisterEvent[benchRequested](r, 1)
	d := sagas.Define[benchState]("sagabench.ThreeSteps", 1)
	sagas.StartOn(d, func(e benchRequested) string { return e.ID }, func(c *sagas.Context[benchState], e benchRequested) error {
		*c.State = benchState(e)
		c.Send("reserve", contract.ReserveStock{SKU: e.SKU, Quantity: 1, OrderID: e.ID})
		return nil
	})
	d.OnStepDone(func(c *sagas.Context[benchState], r sagas.StepResult) error {
		s := c.State
		switch r.Step {
		case "reserve":
			c.Send("release", contract.ReleaseReservation{SKU: s.SKU, OrderID: s.ID})
		case "release":
			c.Send("receive", contract.ReceiveStock{SKU: s.SKU, Quantity: 1, Reference: s.ID})
		default:
			c.Complete()
		}
		return nil
	})
	return sagas.Register(r, d)
}

// BenchmarkSagaLatency measures a 3-step saga end to end on the embedded
// default (SQLite, the GoChannel command bus, the runtime following the
// store's feed): from the append of its start event to the append of its
// sagas.Completed. Interleaved with it, the baseline sends the same three
// commands directly in sequence through the same pipeline. Reported: p50
// and p99 of both and the saga's overhead (target: p50 overhead ≤ 10 ms).
func BenchmarkSagaLatency(b *testing.B) {
	log := logging.New(io.Discard, 8)
	e, err := openEngineWith(commonFlags{dataDir: b.TempDir()}, log, application.Roles{}, moduleConfig{extra: []application.Module{sagaBench{}}}, observers{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	waitSagas := func() {}
	defer func() { cancel(); waitSagas(); e.projections.Wait(); _ = e.close() }()
	if err := e.projections.Start(ctx); err != nil {
		b.Fatal(err)
	}
	if waitSagas, err = startSagas(ctx, e, log); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, body string }{
		{"warehouse.RegisterItem", `{"sku":"SAGA-1","name":"Saga","unit":"pcs","lowStockThreshold":0}`},
		{"warehouse.ReceiveStock", `{"sku":"SAGA-1","quantity":1000000}`},
	} {
		if _, err := e.app.Dispatch(ctx, c.name, []byte(c.body)); err != nil {
			b.Fatal(err)
		}
	}
	done := completions(ctx, b, e)
	var direct, saga []time.Duration
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprintf("d-%d", i)
		start := time.Now()
		for _, c := range []struct{ name, body string }{
			{"warehouse.ReserveStock", `{"sku":"SAGA-1","quantity":1,"orderId":"` + id + `"}`},
			{"warehouse.ReleaseReservation", `{"sku":"SAGA-1","orderId":"` + id + `"}`},
			{"warehouse.ReceiveStock", `{"sku":"SAGA-1","quantity":1,"reference":"` + id + `"}`},
		} {
			if _, err := e.app.Dispatch(ctx, c.name, []byte(c.body)); err != nil {
				b.Fatal(err)
			}
		}
		direct = append(direct, time.Since(start))

		id = fmt.Sprintf("s-%d", i)
		finished := done.expect(sagas.InstanceID("sagabench.ThreeSteps", id))
		start = time.Now()
		appendBenchEvent(ctx, b, e, benchRequested{ID: id, SKU: "SAGA-1"})
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			b.Fatalf("saga %s did not complete", id)
		}
		saga = append(saga, time.Since(start))
	}
	b.StopTimer()
	dp50, dp99 := percentiles(direct)
	sp50, sp99 := percentiles(saga)
	b.ReportMetric(ms(dp50), "direct-p50-ms")
	b.ReportMetric(ms(dp99), "direct-p99-ms")
	b.ReportMetric(ms(sp50), "saga-p50-ms")
	b.ReportMetric(ms(sp99), "saga-p99-ms")
	b.ReportMetric(ms(sp50-dp50), "overhead-p50-ms")
	b.ReportMetric(ms(sp99-dp99), "overhead-p99-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}

func appendBenchEvent(ctx context.Context, b testing.TB, e *engine, ev benchRequested) {
	b.Helper()
	typ, ver, data, err := e.app.Events().Encode(ev)
	if err != nil {
		b.Fatal(err)
	}
	env := domain.Envelope{ID: newID(), Type: typ, SchemaVersion: ver, StreamID: "sagabench.requests", RecordedAt: time.Now(), Data: data}
	if _, err := e.events.Append(ctx, "sagabench.requests", domain.AnyVersion, []domain.Envelope{env}); err != nil {
		b.Fatal(err)
	}
}

// completionWatch tells when an instance's sagas.Completed is stored.
type completionWatch struct {
	mu      sync.Mutex
	waiting map[string]chan struct{}
}

func (w *completionWatch) expect(stream string) <-chan struct{} {
	ch := make(chan struct{})
	w.mu.Lock()
	w.waiting[stream] = ch
	w.mu.Unlock()
	return ch
}

func completions(ctx context.Context, b testing.TB, e *engine) *completionWatch {
	b.Helper()
	head, err := e.events.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	w := &completionWatch{waiting: map[string]chan struct{}{}}
	sub := e.events.Subscribe(ctx, head)
	go func() {
		for env := range sub.Events() {
			if env.Type != "sagas.Completed" {
				continue
			}
			w.mu.Lock()
			if ch, ok := w.waiting[env.StreamID]; ok {
				close(ch)
				delete(w.waiting, env.StreamID)
			}
			w.mu.Unlock()
		}
	}()
	return w
}
