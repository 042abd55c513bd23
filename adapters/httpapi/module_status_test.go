package httpapi_test

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
)

// brokenModule fails to register with the kind of text a registration
// error carries: a Go type name and a file path.
type brokenModule struct{}

func (brokenModule) Manifest() application.Manifest {
	return application.Manifest{Name: "broken", Version: "1.0.0"}
}

func (brokenModule) Register(*application.Registrar) error {
	return errors.New("jsonschema: broken.Cmd: chan int is not supported (/src/broken/cmd.go)")
}

// A module that failed to start shows its state and a fixed message on
// /api/modules; the cause, which may name Go types, paths or a driver's
// text, is logged under the request id.
func TestModulesHideAFailedModulesCause(t *testing.T) {
	logs := &testkit.LogBuffer{}
	log := logging.New(logs, slog.LevelDebug)
	events := memory.New()
	app := application.New(application.Deps{Events: events, ReadModels: rmmemory.New(), Logger: log})
	app.Load(brokenModule{})
	h := httpapi.New(httpapi.Config{App: app, Events: events, Logger: log, AllowedHosts: []string{"example.com"}})
	rec := get(h, "/api/modules")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || strings.Contains(body, "chan int") || strings.Contains(body, "/src/") ||
		!strings.Contains(body, `"status":"failed"`) || !strings.Contains(body, `"error":"`) {
		t.Fatalf("GET /api/modules: %d %s", rec.Code, body)
	}
	id := rec.Header().Get("X-Request-ID")
	var logged bool
	for l := range strings.Lines(logs.String()) {
		logged = logged || strings.Contains(l, "chan int") && strings.Contains(l, id)
	}
	if !logged {
		t.Fatalf("the cause is not logged with request id %s:\n%s", id, logs)
	}
}
