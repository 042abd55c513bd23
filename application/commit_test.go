package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// halfway registers a service, an event at version 2 with its upcaster and
// a command, then breaks at the stage named by failAt, which only
// publishing can detect.
type halfway struct{ failAt string }

type happened struct {
	N int `json:"n"`
}

func (happened) EventType() string { return "half.Happened" }

// notAStruct is refused by the event registry when published.
type notAStruct string

func (notAStruct) EventType() string { return "half.NotAStruct" }

type okCommand struct {
	N int `json:"n"`
}

// unschemable has no JSON Schema: its compilation fails when published.
type unschemable struct {
	C chan int `json:"c"`
}

func (halfway) Manifest() application.Manifest {
	return application.Manifest{Name: "half", Permissions: uses("half")}
}

func (m halfway) Register(r *application.Registrar) error {
	application.ProvideService[fmt.Stringer](r, time.Second)
	application.RegisterEvent[happened](r, 2)
	application.RegisterUpcaster[happened](r, 1, func(b json.RawMessage) (json.RawMessage, error) { return b, nil })
	application.RegisterCommand(r, "Ok", "half.use", func(context.Context, okCommand) (application.Result, error) {
		return application.Result{}, nil
	})
	switch m.failAt {
	case "event":
		application.RegisterEvent[notAStruct](r, 1)
	case "upcaster":
		application.RegisterUpcaster[happened](r, 7, func(b json.RawMessage) (json.RawMessage, error) { return b, nil })
	case "schema":
		application.RegisterCommand(r, "Bad", "half.use", func(context.Context, unschemable) (application.Result, error) {
			return application.Result{}, nil
		})
	case "panic":
		application.RegisterCommand(r, "Panic", "half.use", func(context.Context, okCommand) (application.Result, error) {
			return application.Result{}, nil
		})
	}
	return nil
}

// panicky is the real validator, except that adding "half.Panic" panics.
type panicky struct{ *jsonschema.Validator }

func (p panicky) Add(name string, t reflect.Type) error {
	if name == "half.Panic" {
		panic("validator exploded")
	}
	return p.Validator.Add(name, t)
}

func TestAFailingCommitRollsBackEveryStage(t *testing.T) {
	t.Parallel()
	for _, stage := range []string{"event", "upcaster", "schema", "panic"} {
		t.Run(stage, func(t *testing.T) {
			t.Parallel()
			v := jsonschema.NewValidator()
			app := application.New(application.Deps{
				Events: memory.New(), ReadModels: rmmemory.New(), Validator: panicky{v},
				NewID: func() string { return "id" }, Logger: quietLogger,
			})
			app.Load(halfway{failAt: stage})
			if st := app.Modules()[0]; st.Status != application.StatusFailed {
				t.Fatalf("module failing at %s: %+v", stage, st)
			}
			if app.Events().Known("half.Happened") || app.Events().Known("half.NotAStruct") {
				t.Error("an event type of the failed module stayed registered")
			}
			if _, err := application.Lookup[fmt.Stringer](app.Services()); err == nil {
				t.Error("the failed module's service stayed provided")
			}
			if err := v.Validate("half.Ok", []byte(`{"n":1}`)); domain.KindOf(err) != domain.KindNotFound {
				t.Errorf("the failed module's schema stayed: %v", err)
			}
			if _, err := app.Dispatch(context.Background(), "half.Ok", []byte(`{"n":1}`)); domain.KindOf(err) != domain.KindNotFound {
				t.Errorf("the failed module's command is reachable: %v", err)
			}
			// The names are free again: the fixed module takes them.
			app.Load(halfway{})
			if st := app.Modules()[1]; st.Status != application.StatusRunning {
				t.Fatalf("the same names after a rollback: %+v", st)
			}
			env := domain.Envelope{ID: "e1", Type: "half.Happened", SchemaVersion: 1, Data: []byte(`{"n":3}`)}
			if ev, err := app.Events().Decode(&env); err != nil || ev.(happened).N != 3 {
				t.Fatalf("a v1 event after the reload: %v, %v", ev, err)
			}
		})
	}
}

// projecting declares a projection; twice handles one event type twice.
type projecting struct{ twice bool }

func (projecting) Manifest() application.Manifest { return application.Manifest{Name: "proj"} }

func (m projecting) Register(r *application.Registrar) error {
	application.RegisterEvent[pinged2](r, 1)
	p := application.NewProjection("proj.p")
	handle := func(context.Context, application.ReadModelTx, domain.Envelope, pinged2) error { return nil }
	application.On(p, handle)
	if m.twice {
		application.On(p, handle)
	}
	r.Projection(p)
	return nil
}

type pinged2 struct{}

func (pinged2) EventType() string { return "proj.Pinged" }

func TestOnTwiceForOneEventIsARegistrationError(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil, projecting{twice: true})
	st := app.Modules()[0]
	if st.Status != application.StatusFailed || !strings.Contains(st.Error, "projection proj.p handles proj.Pinged twice") {
		t.Fatalf("status %+v", st)
	}
	if len(app.Projections()) != 0 || app.Events().Known("proj.Pinged") {
		t.Fatal("the failed module left its projection or event behind")
	}
	app.Load(projecting{})
	if st := app.Modules()[1]; st.Status != application.StatusRunning {
		t.Fatalf("status %+v", st)
	}
}

// upcasting registers happened at version 3 with the given upcasters.
type upcasting struct{ from []int }

func (upcasting) Manifest() application.Manifest {
	return application.Manifest{Name: "half", Permissions: uses("half")}
}

func (m upcasting) Register(r *application.Registrar) error {
	application.RegisterEvent[happened](r, 3)
	for _, f := range m.from {
		application.RegisterUpcaster[happened](r, f, func(b json.RawMessage) (json.RawMessage, error) { return b, nil })
	}
	return nil
}

func TestEveryOlderVersionNeedsAnUpcaster(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		from []int
		want string
	}{
		{[]int{1}, "no upcaster from version 2"},
		{[]int{1, 2, 2}, "from version 2 is registered twice"},
		{[]int{1, 2}, ""},
	} {
		app, _ := newApp(t, nil, upcasting{from: c.from})
		st := app.Modules()[0]
		if c.want == "" && st.Status != application.StatusRunning || !strings.Contains(st.Error, c.want) {
			t.Errorf("upcasters from %v: %+v", c.from, st)
		}
	}
}

// A failed module's status keeps the cause for Go callers, but its JSON,
// which every surface that shows modules serialises, says only
// ModuleFailed: the cause may name Go types or files.
func TestAFailedModulesJSONHidesTheCause(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil, upcasting{from: []int{1}})
	st := app.Modules()[0]
	b, err := json.Marshal(st)
	if err != nil || st.Error == "" || strings.Contains(string(b), "upcaster") ||
		!strings.Contains(string(b), `"error":"`+application.ModuleFailed+`"`) {
		t.Fatalf("status %+v as JSON %s (%v)", st, b, err)
	}
}
