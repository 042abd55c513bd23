package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/jsonschema"
	"github.com/webos-engine/webos/adapters/logging"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// recordingStore remembers the last query that reached the store, so the
// tests can tell what the API passed on and that bad queries never got
// there.
type recordingStore struct {
	*rmmemory.Store
	mu    sync.Mutex
	calls int
	last  application.Query
}

func (s *recordingStore) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	s.mu.Lock()
	s.calls++
	s.last = q
	s.mu.Unlock()
	return s.Store.Find(ctx, collection, q)
}

// harness is the API over a whole in-memory engine with the stock module.
type harness struct {
	t       *testing.T
	handler http.Handler
	events  *memory.Store
	reads   *recordingStore
	runtime *projections.Runtime
	logs    *testkit.LogBuffer
	ready   atomic.Bool
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, events: memory.New(), reads: &recordingStore{Store: rmmemory.New()}, logs: &testkit.LogBuffer{}}
	h.ready.Store(true)
	log := logging.New(h.logs, slog.LevelDebug)
	var ids atomic.Int64
	app := application.New(application.Deps{
		Events: h.events, ReadModels: h.reads, Validator: jsonschema.NewValidator(),
		Authorizer: denyAdmin{}, Logger: log,
		NewID: func() string { return fmt.Sprintf("ev-%d", ids.Add(1)) },
	})
	app.Load(stockModule{})
	h.runtime = projections.New(h.events, h.reads, app.Events(), app.Projections(), log, projections.Options{})
	if err := h.runtime.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.handler = httpapi.New(httpapi.Config{
		App: app, Events: h.events, Projections: h.runtime.Status, Logger: log, Version: "test",
		AwaitPosition: h.runtime.WaitFor, MinPositionWait: 200 * time.Millisecond,
		AllowedHosts: []string{"example.com"}, // httptest.NewRequest's Host
		Ready: func(context.Context) error {
			if h.ready.Load() {
				return nil
			}
			return errors.New("database at /var/secret is locked")
		},
	})
	return h
}

// do serves one request; headers are name, value pairs.
func (h *harness) do(method, target, body string, headers ...string) *httptest.ResponseRecorder {
	h.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if host := req.Header.Get("Host"); host != "" {
		req.Host = host // net/http serves the Host header from here
	}
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// catchUp runs the projections up to the head of the event store.
func (h *harness) catchUp() {
	h.t.Helper()
	if err := h.runtime.CatchUp(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}
