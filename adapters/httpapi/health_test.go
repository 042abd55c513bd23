package httpapi_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// statusServer is the API with the given projection statuses and
// readiness, logging into logs.
func statusServer(t *testing.T, logs *testkit.LogBuffer, status []projections.Status, ready error) http.Handler {
	t.Helper()
	log := logging.New(logs, slog.LevelDebug)
	events := memory.New()
	app := application.New(application.Deps{Events: events, ReadModels: rmmemory.New(), Logger: log})
	return httpapi.New(httpapi.Config{
		App: app, Events: events, Logger: log, AllowedHosts: []string{"example.com"}, // httptest.NewRequest's Host
		Projections: func(context.Context) []projections.Status { return status },
		Ready:       func(context.Context) error { return ready },
	})
}

func get(h http.Handler, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, http.NoBody))
	return rec
}

func TestModulesShowCodesNotDriverText(t *testing.T) {
	logs := &testkit.LogBuffer{}
	h := statusServer(t, logs, []projections.Status{{
		Name: "p", State: projections.Failed, Position: 7, Code: projections.CodeStore,
		Message: "the event store or the read-model store failed", Error: "disk I/O error (778)",
	}}, nil)
	rec := get(h, "/api/modules")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(body, "disk I/O") ||
		!strings.Contains(body, `"code":"store_failed"`) || !strings.Contains(body, `"position":7`) {
		t.Fatalf("GET /api/modules: %d %s", rec.Code, body)
	}
	id := rec.Header().Get("X-Request-ID")
	var logged bool
	for l := range strings.Lines(logs.String()) {
		logged = logged || strings.Contains(l, "disk I/O error (778)") && strings.Contains(l, id)
	}
	if !logged {
		t.Fatalf("the driver text is not logged with request id %s:\n%s", id, logs)
	}
}

func TestReadyzAnswersAReasonCode(t *testing.T) {
	logs := &testkit.LogBuffer{}
	cause := errors.New("disk I/O error (778) at /data/events.db")
	h := statusServer(t, logs, nil, &httpapi.NotReady{Reason: "event_store_unavailable", Err: cause})
	rec := get(h, "/readyz")
	checkProblem(t, rec, http.StatusServiceUnavailable, "event_store_unavailable")
	if strings.Contains(rec.Body.String(), "disk") || !strings.Contains(logs.String(), "/data/events.db") {
		t.Fatalf("the cause must be logged, not shown: %s", rec.Body)
	}
}
