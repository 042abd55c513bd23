package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// Engine is a whole kernel on in-memory stores, for command-level tests:
// dispatch commands through the real pipeline, catch the projections up,
// query the views.
type Engine struct {
	App         *application.App
	Events      *memory.Store
	ReadModels  *rmmemory.Store
	Projections *projections.Runtime
	// views is ReadModels as the App's views read it: from the version of
	// each projection that serves them (SetVersion).
	views *projections.ViewStore
}

// NewEngine loads modules on in-memory stores with the real JSON Schema
// validator; a module that fails to start fails the test.
func NewEngine(t testing.TB, modules ...application.Module) *Engine {
	t.Helper()
	return engineOn(t, memory.New(), rmmemory.New(), modules...)
}

// engineOn is NewEngine on the given stores: a new deployment of the
// engine on the data of an earlier one.
func engineOn(t testing.TB, events *memory.Store, models *rmmemory.Store, modules ...application.Module) *Engine {
	t.Helper()
	e := newEngine(events, models, nil)
	e.Load(t, modules...)
	return e
}

// NewEngineWith is NewEngine with no modules loaded yet and deps, before
// the App is built, changed by adjust (when not nil): a module whose
// constructor needs the engine's stores is built in between and loaded
// with Load.
func NewEngineWith(t testing.TB, adjust func(*application.Deps)) *Engine {
	t.Helper()
	return newEngine(memory.New(), rmmemory.New(), adjust)
}

func newEngine(events *memory.Store, models *rmmemory.Store, adjust func(*application.Deps)) *Engine {
	var ids atomic.Int64
	e := &Engine{Events: events, ReadModels: models, views: projections.NewViewStore(models)}
	deps := application.Deps{
		Events: e.Events, ReadModels: e.views, Validator: jsonschema.NewValidator(), Logger: quiet,
		NewID: func() string { return fmt.Sprintf("id-%d", ids.Add(1)) },
	}
	if adjust != nil {
		adjust(&deps)
	}
	e.App = application.New(deps)
	return e
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Load loads modules; one that fails to start fails the test.
func (e *Engine) Load(t testing.TB, modules ...application.Module) {
	t.Helper()
	e.App.Load(modules...)
	for _, st := range e.App.Modules() {
		if st.Status != application.StatusRunning {
			t.Fatalf("module %s failed to start: %s", st.Name, st.Error)
		}
	}
	e.Projections = projections.New(e.Events, e.ReadModels, e.App.Events(), e.App.Projections(), quiet, projections.Options{Views: e.views})
}

// NewApp is NewEngine for tests that need only the kernel.
func NewApp(t testing.TB, modules ...application.Module) *application.App {
	t.Helper()
	return NewEngine(t, modules...).App
}

// Dispatch sends the command with body marshalled to JSON.
func (e *Engine) Dispatch(ctx context.Context, name string, body any) (application.Result, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return application.Result{}, err
	}
	return e.App.Dispatch(ctx, name, raw)
}

// Query catches every projection up, then queries the view.
func (e *Engine) Query(t testing.TB, view string, q application.Query) application.Page {
	t.Helper()
	if err := e.Projections.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	page, err := e.App.QueryView(context.Background(), view, q)
	if err != nil {
		t.Fatalf("query %s: %v", view, err)
	}
	return page
}
