package application_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// counter is a minimal aggregate for exercising the kernel.
type counter struct {
	domain.Base
	n int
}

type incremented struct {
	By int `json:"by"`
}

func (incremented) EventType() string { return "counter.Incremented" }

func (c *counter) Apply(e domain.Event) { c.n += e.(incremented).By }

type increment struct {
	ID string `json:"id" jsonschema:"minLength=1"`
	By int    `json:"by" jsonschema:"minimum=1,maximum=100"`
}

// counterModule registers counter.Increment; calls counts handler runs.
type counterModule struct {
	name  string
	deps  []string
	fail  error
	calls *atomic.Int64
}

func (m counterModule) Manifest() application.Manifest {
	return application.Manifest{Name: m.name, Version: "0.1.0", Dependencies: m.deps, Permissions: uses(m.name)}
}

func (m counterModule) Register(r *application.Registrar) error {
	application.RegisterEvent[incremented](r, 1)
	h := application.AggregateHandler(r.Repository(), application.MustExist,
		func(c increment) *counter { return &counter{Base: domain.NewBase("counter.c-" + c.ID)} },
		func(_ context.Context, a *counter, c increment) error {
			if m.calls != nil {
				m.calls.Add(1)
			}
			domain.Raise(a, incremented{By: c.By})
			return nil
		})
	application.RegisterCommand(r, "Increment", m.name+".use", h)
	return m.fail
}

type denyAll struct{}

func (denyAll) Authorize(context.Context, application.Access) (application.Grant, error) {
	return application.Grant{}, domain.Errorf(domain.KindForbidden, "forbidden", "no")
}

// uses declares the permission "{module}.use" the test modules' commands need.
func uses(module string) []application.Permission {
	return []application.Permission{{Name: module + ".use", Description: "use the test module"}}
}

func newApp(t testing.TB, az application.Authorizer, mods ...application.Module) (*application.App, *memory.Store) {
	t.Helper()
	events := memory.New()
	return newAppOn(events, az, mods...), events
}

// quietLogger drops every record, for tests that do not read the logs.
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// lastID numbers event ids across every app of the test binary.
var lastID atomic.Int64

// newAppOn builds an app on events, as one of several processes sharing
// a store would.
func newAppOn(events application.EventStore, az application.Authorizer, mods ...application.Module) *application.App {
	app := application.New(application.Deps{
		Events: events, ReadModels: rmmemory.New(), Validator: jsonschema.NewValidator(), Authorizer: az,
		NewID:  func() string { return fmt.Sprintf("id-%d", lastID.Add(1)) },
		Logger: quietLogger,
	})
	app.Load(mods...)
	return app
}

// seed creates counter id of the default tenant by appending its first
// event directly.
func seed(t testing.TB, events *memory.Store, id string) {
	t.Helper()
	seedIn(t, events, application.DefaultTenant, id)
}

// seedIn creates counter id of tenant.
func seedIn(t testing.TB, events *memory.Store, tenant, id string) {
	t.Helper()
	appendFirst(t, events, application.TenantKey(tenant, "counter.c-"+id), "seed-"+tenant+"-"+id, "counter.Incremented", `{"by":1}`)
}

func TestFailingModulesAreIsolated(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil,
		counterModule{name: "broken", fail: errors.New("boom")},
		counterModule{name: "needsbroken", deps: []string{"broken"}},
		counterModule{name: "counter"},
		panicking{},
	)
	status := map[string]application.ModuleStatus{}
	for _, s := range app.Modules() {
		status[s.Name] = s
	}
	for name, want := range map[string]string{"broken": "failed", "needsbroken": "failed", "counter": "running", "panics": "failed"} {
		if got := status[name].Status; got != want {
			t.Errorf("module %s: status %q, want %q (%s)", name, got, want, status[name].Error)
		}
	}
	if e := status["broken"].Error; e != "boom" {
		t.Errorf("broken module error %q, want boom", e)
	}
	if _, err := app.Dispatch(context.Background(), "broken.Increment", []byte(`{"id":"a","by":1}`)); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("a failed module's command must not be registered, got %v", err)
	}
	if len(app.Commands()) != 1 {
		t.Fatalf("commands: %+v", app.Commands())
	}
}

type panicking struct{}

func (panicking) Manifest() application.Manifest        { return application.Manifest{Name: "panics"} }
func (panicking) Register(*application.Registrar) error { panic("oops") }

// twoProviders provides the same service twice: it must fail as a whole,
// leaving no event type or service behind.
type twoProviders struct{}

type pinged struct{}

func (pinged) EventType() string { return "dup.Pinged" }

func (twoProviders) Manifest() application.Manifest { return application.Manifest{Name: "dup"} }
func (twoProviders) Register(r *application.Registrar) error {
	application.RegisterEvent[pinged](r, 1)
	application.ProvideService[fmt.Stringer](r, time.Second)
	application.ProvideService[fmt.Stringer](r, time.Minute)
	return nil
}

func TestAFailedModuleLeavesNothingBehind(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil, twoProviders{})
	if st := app.Modules()[0]; st.Status != application.StatusFailed {
		t.Fatalf("status %+v", st)
	}
	if app.Events().Known("dup.Pinged") {
		t.Fatal("the failed module's event type was registered")
	}
	if _, err := application.Lookup[fmt.Stringer](app.Services()); err == nil {
		t.Fatal("the failed module's service was provided")
	}
}
