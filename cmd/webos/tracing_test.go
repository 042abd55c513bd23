package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/adapters/telemetry"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// traceSaga is a module whose saga reacts to every registered item with
// one command: receive one unit of it.
type traceSaga struct{}

type traceSagaState struct {
	SKU string `json:"sku"`
}

func (traceSaga) Manifest() application.Manifest {
	return application.Manifest{Name: "tracesaga", Version: "1.0.0", Dependencies: []string{"warehouse"}}
}

func (traceSaga) Register(r *application.Registrar) error {
	d := sagas.Define[traceSagaState]("tracesaga.Receive", 1)
	sagas.StartOn(d, func(e contract.ItemRegistered) string { return e.SKU }, func(c *sagas.Context[traceSagaState], e contract.ItemRegistered) error {
		c.State.SKU = e.SKU
		c.Send("receive", contract.ReceiveStock{SKU: e.SKU, Quantity: 1, Reference: "trace"})
		return nil
	})
	d.OnStepDone(func(c *sagas.Context[traceSagaState], _ sagas.StepResult) error {
		c.Complete()
		return nil
	})
	return sagas.Register(r, d)
}

// spans indexes the ended spans of a recorder.
type spans []sdktrace.ReadOnlySpan

// named returns the spans called name.
func (s spans) named(name string) spans {
	var out spans
	for _, sp := range s {
		if sp.Name() == name {
			out = append(out, sp)
		}
	}
	return out
}

// children returns the spans called name whose parent is parent.
func (s spans) children(name string, parent sdktrace.ReadOnlySpan) spans {
	var found spans
	for _, sp := range s.named(name) {
		if sp.Parent().SpanID() == parent.SpanContext().SpanID() {
			found = append(found, sp)
		}
	}
	return found
}

// childOf returns the one span called name whose parent is parent,
// failing the test unless there is exactly one.
func (s spans) childOf(t *testing.T, name string, parent sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	t.Helper()
	found := s.children(name, parent)
	if len(found) != 1 {
		t.Fatalf("%d spans %q are children of %q; want 1\n%s", len(found), name, parent.Name(), s)
	}
	return found[0]
}

func (s spans) String() string {
	var b strings.Builder
	for _, sp := range s {
		fmt.Fprintf(&b, "  %s %s parent %s trace %s\n", sp.SpanContext().SpanID(), sp.Name(), sp.Parent().SpanID(), sp.SpanContext().TraceID())
	}
	return b.String()
}

// tracedRig is the composition serve runs (the engine, its projections,
// the GoChannel bus with a consumer, the sagas, the jobs and the HTTP API)
// with a tracer recording in memory.
type tracedRig struct {
	e        *engine
	rec      *tracetest.SpanRecorder
	url      string
	consumed atomic.Int32
}

func newTracedRig(t *testing.T) *tracedRig {
	t.Helper()
	r := &tracedRig{rec: tracetest.NewSpanRecorder()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.rec))
	log := logging.New(io.Discard, 8)
	e, err := openEngineWith(commonFlags{dataDir: t.TempDir()}, log, application.AllowAll{},
		moduleConfig{extra: []application.Module{traceSaga{}}}, observers{tracer: telemetry.NewTracer(tp)})
	if err != nil {
		t.Fatal(err)
	}
	r.e = e
	ctx, cancel := context.WithCancel(context.Background())
	waitSagas, stopJobs := func() {}, func() {}
	t.Cleanup(func() {
		cancel()
		stopJobs()
		waitSagas()
		e.projections.Wait()
		if e.bus != nil {
			e.bus.close()
		}
		_ = e.close()
	})
	if err := e.projections.Start(ctx); err != nil {
		t.Fatal(err)
	}
	consumer := application.BusConsumer{Name: "trace-test", Types: []string{"warehouse.ItemRegistered"},
		Handle: func(context.Context, domain.Envelope) error { r.consumed.Add(1); return nil }}
	if e.bus, err = startBus(ctx, e, busURL(""), log, consumer); err != nil {
		t.Fatal(err)
	}
	if waitSagas, err = startSagas(ctx, e, log); err != nil {
		t.Fatal(err)
	}
	if stopJobs, err = startJobs(ctx, e, true, log); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{App: e.app, Events: e.events, Logger: log, NewID: newID}))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

// Caller's trace context: the span of a client outside the engine.
const callerTrace, callerSpan = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"

// post sends a command as that caller.
func (r *tracedRig) post(t *testing.T, command, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", r.url+"/api/commands/"+command, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", command, res.StatusCode, out)
	}
}

// waitSpans waits until done holds for the ended spans and returns them.
func (r *tracedRig) waitSpans(t *testing.T, what string, done func(spans) bool) spans {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		all := spans(r.rec.Ended())
		if done(all) {
			return all
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not happen; spans so far:\n%s", what, all)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// root returns the one HTTP span of the command, checking it continues
// the caller's trace.
func (s spans) root(t *testing.T, command string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found spans
	for _, sp := range s.named("POST /api/commands/:name") {
		for _, c := range s.named("command " + command) {
			if c.Parent().SpanID() == sp.SpanContext().SpanID() {
				found = append(found, sp)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d HTTP spans of %s, want 1:\n%s", len(found), command, s)
	}
	root := found[0]
	if root.SpanKind() != trace.SpanKindServer || root.Parent().SpanID().String() != callerSpan || !root.Parent().IsRemote() {
		t.Fatalf("HTTP span: kind %v, parent %s (remote %v); want a server span under the caller's %s",
			root.SpanKind(), root.Parent().SpanID(), root.Parent().IsRemote(), callerSpan)
	}
	return root
}

// sameTrace checks that every span of path is in the caller's trace.
func sameTrace(t *testing.T, path ...sdktrace.ReadOnlySpan) {
	t.Helper()
	for _, sp := range path {
		if got := sp.SpanContext().TraceID().String(); got != callerTrace {
			t.Errorf("span %q is in trace %s, not the caller's %s", sp.Name(), got, callerTrace)
		}
	}
}

// TestOneTraceFromHTTPToEveryConsumer runs the composition serve runs
// with a tracer recording in memory (tracedRig), sends one command
// over HTTP under a caller's traceparent, and checks that everything the
// command caused is one trace with the right parents:
//
//	POST /api/commands/:name            (child of the caller's span)
//	└ command warehouse.RegisterItem
//	  └ eventstore.append               (the event records this span)
//	    ├ bus.forward <topic>           (the message carries this span)
//	    │ └ bus.consume trace-test
//	    ├ projection.batch warehouse.*
//	    └ saga.event tracesaga.Receive
//	      ├ eventstore.append           (the instance's events)
//	      └ sagabus.consume sagas.commands
//	        ├ command warehouse.ReceiveStock
//	        │ └ eventstore.append
//	        └ sagabus.consume sagas.replies
//	          └ saga.reply tracesaga.Receive
func TestOneTraceFromHTTPToEveryConsumer(t *testing.T) {
	r := newTracedRig(t)
	e := r.e
	ctx := context.Background()
	r.post(t, "warehouse.RegisterItem", `{"sku":"TR-1","name":"Traced","unit":"pcs","lowStockThreshold":0}`)
	// Wait for the last span of the path, the saga's reply step, and for
	// the projection batch.
	all := r.waitSpans(t, "the path", func(all spans) bool {
		return len(all.named("saga.reply tracesaga.Receive")) > 0 && len(all.named("projection.batch warehouse.stock")) > 0 && r.consumed.Load() > 0
	})
	root := all.root(t, "warehouse.RegisterItem")
	command := all.childOf(t, "command warehouse.RegisterItem", root)
	appended := all.childOf(t, "eventstore.append", command)
	forward := all.childOf(t, "bus.forward "+bus.EventTopic("warehouse.ItemRegistered"), appended)
	consumed := all.childOf(t, "bus.consume trace-test", forward)
	batch := all.childOf(t, "projection.batch warehouse.stock", appended)
	step := all.childOf(t, "saga.event tracesaga.Receive", appended)
	stepAppend := all.childOf(t, "eventstore.append", step)
	sent := all.childOf(t, "sagabus.consume sagas.commands", step)
	received := all.childOf(t, "command warehouse.ReceiveStock", sent)
	receivedAppend := all.childOf(t, "eventstore.append", received)
	reply := all.childOf(t, "sagabus.consume sagas.replies", sent)
	replied := all.childOf(t, "saga.reply tracesaga.Receive", reply)
	sameTrace(t, root, command, appended, forward, consumed, batch, step, stepAppend, sent, received, receivedAppend, reply, replied)
	// The stored event records the append span, in the W3C format.
	evs, err := e.events.ReadStream(ctx, streamOfItem(t, e, "TR-1"), 0, application.Forward, 0)
	if err != nil || len(evs) == 0 {
		t.Fatalf("item stream: %v (%d events)", err, len(evs))
	}
	want := fmt.Sprintf("00-%s-%s-01", callerTrace, appended.SpanContext().SpanID())
	if got := evs[0].TraceContext["traceparent"]; got != want {
		t.Errorf("the event's traceparent is %q, want the append span's %q", got, want)
	}
}

// streamOfItem finds the stream the item sku was registered in.
func streamOfItem(t *testing.T, e *engine, sku string) string {
	t.Helper()
	evs, err := e.events.ReadAll(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Type == "warehouse.ItemRegistered" && strings.Contains(string(ev.Data), `"`+sku+`"`) {
			return ev.StreamID
		}
	}
	t.Fatalf("no ItemRegistered for %s", sku)
	return ""
}

// TestJobJoinsTheTraceThatEnqueuedIt: a job enqueued over HTTP is taken
// and run in spans that are children of the append that stored its
// jobs.Enqueued, and its outcome is recorded under the run, all in the
// caller's trace.
func TestJobJoinsTheTraceThatEnqueuedIt(t *testing.T) {
	r := newTracedRig(t)
	r.post(t, "jobs.Enqueue", `{"type":"warehouse.StockValuation","key":"traced","input":{"pageSize":10}}`)
	all := r.waitSpans(t, "the job's outcome", func(all spans) bool { return len(all.named("job.finish warehouse.StockValuation")) > 0 })
	root := all.root(t, "jobs.Enqueue")
	command := all.childOf(t, "command jobs.Enqueue", root)
	appended := all.childOf(t, "eventstore.append", command)
	// A ticket can arrive twice, and an attempt can be given up and
	// retried: each take and each run is a span of its own, all under the
	// enqueue's append. One take recorded an attempt, and one run's
	// outcome was recorded under it.
	started := all.children("job.start warehouse.StockValuation", appended)
	runs := all.children("job.run warehouse.StockValuation", appended)
	path := append(append(spans{root, command, appended}, started...), runs...)
	recorded := func(parents spans, name string) sdktrace.ReadOnlySpan {
		for _, p := range parents {
			if c := all.children(name, p); len(c) > 0 {
				path = append(path, p, c[0])
				return c[0]
			}
		}
		t.Fatalf("no %q under %d spans:\n%s", name, len(parents), all)
		return nil
	}
	recorded(started, "eventstore.append")
	finished := recorded(runs, "job.finish warehouse.StockValuation")
	all.childOf(t, "eventstore.append", finished)
	sameTrace(t, path...)
}
