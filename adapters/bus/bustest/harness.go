// Package bustest is the conformance suite every bus backend passes: the
// Forwarder and Router on the backend, from an in-memory event store to
// consumers whose inbox is an in-memory read-model store.
package bustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	esmemory "github.com/webos-engine/webos/adapters/eventstore/memory"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Factory opens the backend for one test. token is unique to the test:
// topics, groups and the poison topic contain it, and the factory removes
// whatever the backend created for them in t.Cleanup.
type Factory func(t testing.TB, token string) bus.Backend

// Token returns a fresh random token for topic and group names: lower
// case letters and digits, starting with a letter.
func Token() string {
	var b [5]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails
	return "t" + hex.EncodeToString(b[:])
}

// appendTraceParent is the W3C trace context the test events record, as
// if a traced command had appended them.
const appendTraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// seenCollection holds, per event, how often the test consumer applied it.
const seenCollection = "bustest_seen"

// harness is one running pipeline: event store → Forwarder → backend →
// Router → consumer.
type harness struct {
	t           *testing.T
	token       string
	backend     bus.Backend
	events      *esmemory.Store
	models      *rmmemory.Store
	types       []string
	consumer    string
	poisonTopic string
	calls       atomic.Int64 // deliveries, counted before the inbox to know they happened
	failing     atomic.Bool  // while set, events with data {"fail":true} fail
	unacked     atomic.Bool  // while set, each event's first delivery fails after its effects
	first       sync.Map     // event ids delivered while unacked
	retries     atomic.Int64 // RouterOptions.OnRetry calls for the consumer
	poisoned    atomic.Int64 // RouterOptions.OnPoisoned calls for the consumer
	router      *bus.Router
	fwd         *bus.Forwarder
	stop        func()
	// tracer, when set before start, traces the forwarder and the router.
	tracer application.Tracer
}

// quiet is the log of the pipeline: failures are expected in the tests.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHarness(t *testing.T, open Factory) *harness {
	t.Helper()
	token := Token()
	h := &harness{t: t, token: token, backend: open(t, token), events: esmemory.New(), models: rmmemory.New(),
		consumer: "c" + token}
	h.types = []string{token + ".Happened", token + ".Followed"}
	topics, _ := Names(token)
	h.poisonTopic = topics[2]
	if err := h.models.Declare(context.Background(), application.CollectionSpec{Name: seenCollection}); err != nil {
		t.Fatal(err)
	}
	return h
}

// handle is the test consumer: it counts each event in a read-model
// document, read-modify-write, so a second application shows.
func (h *harness) handle(ctx context.Context, tx application.ReadModelTx, e domain.Envelope) error {
	var data struct{ Fail bool }
	_ = json.Unmarshal(e.Data, &data)
	if data.Fail && h.failing.Load() {
		return errors.New("refused on purpose")
	}
	var doc struct{ N int }
	raw, err := tx.Get(ctx, seenCollection, e.ID)
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &doc); err != nil {
			return err
		}
	case !errors.Is(err, domain.ErrNotFound):
		return err
	}
	doc.N++
	return tx.Upsert(ctx, seenCollection, e.ID, doc)
}

// start runs the router, then the forwarder, until the test ends or stop.
func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	h.stop = func() {
		cancel()
		wg.Wait()
	}
	h.t.Cleanup(h.stop)
	r, err := bus.NewRouter(h.backend, bus.NewPoison(h.models), quiet, bus.RouterOptions{
		Retries: 2, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		ReplayEvery: 50 * time.Millisecond, PoisonTopic: h.poisonTopic,
		OnRetry: h.counter(&h.retries), OnPoisoned: h.counter(&h.poisoned), Tracer: h.tracer,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	inbox := application.InboxInReadModels(h.models, h.consumer, h.handle)
	count := func(ctx context.Context, e domain.Envelope) error {
		h.calls.Add(1)
		if err := inbox(ctx, e); err != nil {
			return err
		}
		if _, again := h.first.LoadOrStore(e.ID, true); h.unacked.Load() && !again {
			return errors.New("lost before the ack")
		}
		return nil
	}
	if err := r.Add(application.BusConsumer{Name: h.consumer, Types: h.types, Handle: count}); err != nil {
		h.t.Fatal(err)
	}
	h.router = r
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := r.Run(ctx); err != nil {
			h.t.Error(err)
		}
	}()
	select {
	case <-r.Running():
	case <-time.After(30 * time.Second):
		h.t.Fatal("router did not start")
	}
	h.fwd = bus.NewForwarder(h.events, h.backend.Publisher(), h.events, h.backend.Name(), quiet,
		bus.ForwarderOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Tracer: h.tracer})
	go func() {
		defer wg.Done()
		_ = h.fwd.Run(ctx)
	}()
}

// counter returns a RouterOptions hook counting the calls for the test
// consumer in n, and failing the test on another consumer's name.
func (h *harness) counter(n *atomic.Int64) func(string) {
	return func(consumer string) {
		if consumer != h.consumer {
			h.t.Errorf("router hook called for consumer %q, want %q", consumer, h.consumer)
		}
		n.Add(1)
	}
}

// append stores n events, alternating the two types, with data fail.
func (h *harness) append(n int, fail bool) []domain.Envelope {
	h.t.Helper()
	evs := make([]domain.Envelope, n)
	for i := range evs {
		evs[i] = domain.Envelope{
			ID: newID(), Type: h.types[i%2], SchemaVersion: 1, RecordedAt: time.Now().UTC(),
			CorrelationID: "corr-" + h.token, TraceContext: map[string]string{"traceparent": appendTraceParent, "tracestate": "webos=t"},
			Data: json.RawMessage(fmt.Sprintf(`{"i":%d,"fail":%v}`, i, fail)),
		}
	}
	stored, err := h.events.Append(context.Background(), "s-"+newID(), domain.AnyVersion, evs)
	if err != nil {
		h.t.Fatal(err)
	}
	return stored
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// seen returns how often the consumer applied each event.
func (h *harness) seen(evs []domain.Envelope) map[string]int {
	out := map[string]int{}
	for _, e := range evs {
		raw, err := h.models.Get(context.Background(), seenCollection, e.ID)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			h.t.Fatal(err)
		}
		var doc struct{ N int }
		if err := json.Unmarshal(raw, &doc); err != nil {
			h.t.Fatal(err)
		}
		out[e.ID] = doc.N
	}
	return out
}

// eventually polls cond until it holds or 30s passed.
func (h *harness) eventually(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting until %s (forwarder %+v)", what, h.fwd.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// allOnce waits until every event was applied, then checks none twice.
func (h *harness) allOnce(evs []domain.Envelope) {
	h.t.Helper()
	h.eventually(fmt.Sprintf("all %d events are handled", len(evs)), func() bool { return len(h.seen(evs)) == len(evs) })
	for id, n := range h.seen(evs) {
		if n != 1 {
			h.t.Errorf("event %s applied %d times, want once", id, n)
		}
	}
}

// Names returns the topics and consumer groups a test with token uses,
// for a backend's cleanup.
func Names(token string) (topics, groups []string) {
	return []string{bus.EventTopic(token + ".Happened"), bus.EventTopic(token + ".Followed"), "webos-poison-" + token},
		[]string{"c" + token, bus.ArchiveGroup}
}
