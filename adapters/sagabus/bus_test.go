package sagabus_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/sagabus"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

// The tally module counts; its saga adds twice, then completes.

type Add struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

type Added struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

type Requested struct {
	Key string `json:"key"`
}

func (Added) EventType() string     { return "tally.Added" }
func (Requested) EventType() string { return "tally.Requested" }

type counter struct {
	domain.Base
	total int
}

func (c *counter) Apply(e domain.Event) { c.total += e.(Added).N }

type tally struct{}

func (tally) Manifest() application.Manifest {
	return application.Manifest{Name: "tally", Version: "1", Permissions: []application.Permission{{Name: "tally.add", Description: "add"}}}
}

func (tally) Register(r *application.Registrar) error {
	application.RegisterEvent[Added](r, 1)
	application.RegisterEvent[Requested](r, 1)
	application.RegisterCommand(r, "Add", "tally.add", application.AggregateHandler(r.Repository(), application.MustBeNew,
		func(c Add) *counter { return &counter{Base: domain.NewBase("tally." + c.Key)} },
		func(_ context.Context, c *counter, cmd Add) error {
			domain.Raise(c, Added(cmd))
			return nil
		}))
	d := sagas.Define[struct{}]("tally.Once", 1)
	sagas.StartOn(d, func(e Requested) string { return e.Key }, func(c *sagas.Context[struct{}], e Requested) error {
		c.Send("add", Add{Key: e.Key, N: 1})
		return nil
	})
	d.OnStepDone(func(c *sagas.Context[struct{}], _ sagas.StepResult) error {
		c.Complete()
		return nil
	})
	return sagas.Register(r, d)
}

func TestCommandsAndRepliesTravelTheBusOnce(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	mod := &sagas.Module{}
	e := testkit.NewEngine(t, mod, tally{})
	ch := sagabus.NewGoChannel(log)
	bus, err := sagabus.New(ch, ch, e.App, log)
	if err != nil {
		t.Fatal(err)
	}
	rt := sagas.NewRuntime(e.App, e.Events, bus, sagas.Options{Logger: log})
	mod.Use(rt)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { _ = bus.Run(ctx, rt.HandleReply) }()
	<-bus.Running()

	env := appendEvent(t, e, Requested{Key: "k"})
	// Every message twice: the start event, and the command itself.
	for range 2 {
		if err := rt.HandleEvent(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	cmd := sagas.Command{Instance: sagas.InstanceID("tally.Once", "k"), Step: "add", Name: "tally.Add",
		Body: []byte(`{"key":"k","n":1}`), CommandID: sagas.InstanceID("tally.Once", "k") + "/add", Attempt: 1}
	if err := bus.Send(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		st, err := rt.Instance(ctx, "tally.Once", "k")
		return err == nil && st.Status == sagas.StatusCompleted
	})
	time.Sleep(50 * time.Millisecond) // let the duplicate command and reply land
	evs, err := e.Events.ReadStream(ctx, "tally.k", 0, application.Forward, 0)
	if err != nil || len(evs) != 1 {
		t.Fatalf("the command ran into %d events (%v)", len(evs), err)
	}
	inst, err := e.Events.ReadStream(ctx, sagas.InstanceID("tally.Once", "k"), 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	succeeded := 0
	for _, ev := range inst {
		if ev.Type == "sagas.StepSucceeded" {
			succeeded++
		}
	}
	if succeeded != 1 {
		t.Fatalf("the instance recorded %d successes of its one step", succeeded)
	}
}

func appendEvent(t *testing.T, e *testkit.Engine, ev domain.Event) domain.Envelope {
	t.Helper()
	typ, ver, data, err := e.App.Events().Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.Events.Append(t.Context(), "tally.requests", domain.AnyVersion,
		[]domain.Envelope{{ID: "req-1", Type: typ, SchemaVersion: ver, StreamID: "tally.requests", RecordedAt: time.Now(), Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	return stored[0]
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
