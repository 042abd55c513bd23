package sagas_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

// countingSender counts the commands the runtime sends, by name, and
// keeps the order of the instances that sent them; onSend, when set, is
// called with each command as it is sent.
type countingSender struct {
	mu     sync.Mutex
	sent   map[string]int
	order  []string
	onSend func(sagas.Command)
}

func (c *countingSender) Send(_ context.Context, cmd sagas.Command) error {
	c.mu.Lock()
	c.sent[cmd.Name]++
	c.order = append(c.order, cmd.Instance)
	onSend := c.onSend
	c.mu.Unlock()
	if onSend != nil {
		onSend(cmd)
	}
	return nil
}

// instances are the instances that sent commands, in the order sent.
func (c *countingSender) instances() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.order)
}

func (c *countingSender) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sent[name]
}

// TestHeldEventsGoOnOverGapsInThePositions: on a store whose positions
// have gaps (PostgreSQL, KurrentDB), an event of a tenant that enabled
// the module again hands its held events on first, up to just before
// it: a position no event has. The release reached it and went on (it
// read the same page again forever before, and Follow stood still).
func TestHeldEventsGoOnOverGapsInThePositions(t *testing.T) {
	t.Parallel()
	events := memory.NewWith(memory.Options{Gaps: true})
	e := testkit.NewEngineWith(t, func(d *application.Deps) { d.Events = events })
	m := &sagas.Module{}
	e.Load(t, m, tripsModule{})
	sender := &countingSender{sent: map[string]int{}}
	rt := sagas.NewRuntime(e.App, events, sender, sagas.Options{Logger: slog.New(slog.DiscardHandler)})
	m.Use(rt)
	cps := application.ReadModelCheckpoints{Store: e.ReadModels}
	appendAcme := func(stream string, ev domain.Event) domain.Envelope {
		typ, ver, data, err := e.App.Events().Encode(ev)
		if err != nil {
			t.Fatal(err)
		}
		key := application.TenantKey("acme", stream)
		stored, err := events.Append(t.Context(), key, domain.AnyVersion, []domain.Envelope{{ID: stream + "-" + typ,
			Type: typ, SchemaVersion: ver, StreamID: key, Tenant: "acme", Actor: "tester", Data: data}})
		if err != nil {
			t.Fatal(err)
		}
		return stored[0]
	}
	e.App.SetDisabled("acme", []string{"trips"})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go rt.Follow(ctx, cps)

	requested := appendAcme("trips.requests", TripRequested{TripID: "a1", Items: []string{"hotel"}})
	eventually(t, "held", func() bool {
		cp, err := cps.LoadCheckpoint(t.Context(), sagas.FeedConsumer+".held."+definition)
		return err == nil && cp.StoreID != "" && cp.Position == requested.Position-1
	})
	e.App.SetDisabled("acme", nil)
	abandoned := appendAcme("trips.events", TripAbandoned{TripID: "a1"})
	if abandoned.Position-requested.Position < 2 {
		t.Fatalf("no gap between positions %d and %d", requested.Position, abandoned.Position)
	}
	eventually(t, "compensating", func() bool {
		st, err := rt.Instance(t.Context(), definition, "a1~acme")
		return err == nil && st.Status == sagas.StatusCompensating
	})
	if n := sender.count("trips.Book"); n != 1 {
		t.Fatalf("the booking was sent %d times, want once", n)
	}
}
