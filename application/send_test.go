package application_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// noting records the Meta its Note command runs with; Other shares Note's
// Go type, which makes that type ambiguous for Send.
type noting struct {
	mu   *sync.Mutex
	seen *[]application.Meta
	twin bool
}

type note struct {
	Text string `json:"text" jsonschema:"minLength=1"`
}

func (noting) Manifest() application.Manifest {
	return application.Manifest{Name: "noting", Permissions: uses("noting")}
}

func (m noting) Register(r *application.Registrar) error {
	h := func(ctx context.Context, _ note) (application.Result, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		*m.seen = append(*m.seen, application.MetaFrom(ctx))
		return application.Result{}, nil
	}
	application.RegisterCommand(r, "Note", "noting.use", h)
	if m.twin {
		application.RegisterCommand(r, "Other", "noting.use", h)
	}
	return nil
}

func TestSendRunsThePipeline(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	ctx := context.Background()
	if _, err := application.Send(ctx, app, increment{ID: "a", By: 0}); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("a command breaking its schema: %v", err)
	}
	res, err := application.Send(ctx, app, increment{ID: "a", By: 2})
	if err != nil || res.Stream != "counter.c-a" || res.Version != 2 {
		t.Fatalf("send: %+v %v", res, err)
	}
	denied, events2 := newApp(t, denyAll{}, counterModule{name: "counter"})
	seed(t, events2, "a")
	if _, err := application.Send(ctx, denied, increment{ID: "a", By: 2}); domain.KindOf(err) != domain.KindForbidden {
		t.Fatalf("an actor without the permission: %v", err)
	}
	type unregistered struct{}
	if _, err := application.Send(ctx, app, unregistered{}); err == nil || !strings.Contains(err.Error(), "no running module") {
		t.Fatalf("an unregistered type: %v", err)
	}
}

func TestSendPropagatesCorrelationAndCausation(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seedIn(t, events, "acme", "a")
	at := uint64(1)
	handling := application.WithMeta(context.Background(), application.Meta{
		RequestID: "req-1", Actor: "user:ada", Tenant: "acme", CorrelationID: "corr-1", CausationID: "req-0",
		MessageID: "evt-7", TraceContext: map[string]string{"traceparent": "00-x"}, ExpectedVersion: &at,
	})
	if _, err := application.Send(handling, app, increment{ID: "a", By: 1}); err != nil {
		t.Fatal(err)
	}
	// A command sent while no message is handled: the request starts the
	// correlation and causes the command.
	if _, err := application.Send(application.WithMeta(context.Background(), application.Meta{RequestID: "req-2", Tenant: "acme"}), app, increment{ID: "a", By: 1}); err != nil {
		t.Fatal(err)
	}
	stored, err := events.ReadStream(context.Background(), "counter.c-a~acme", 2, application.Forward, 0)
	if err != nil || len(stored) != 2 {
		t.Fatalf("read: %v %v", stored, err)
	}
	e := stored[0]
	if e.CorrelationID != "corr-1" || e.CausationID != "evt-7" || e.Actor != "user:ada" || e.Tenant != "acme" || e.TraceContext["traceparent"] != "00-x" {
		t.Errorf("sent while handling evt-7: %+v", e)
	}
	if e := stored[1]; e.CorrelationID != "req-2" || e.CausationID != "req-2" {
		t.Errorf("sent from a request: correlation %q causation %q", e.CorrelationID, e.CausationID)
	}
}

func TestSendOptionsAndAmbiguousTypes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []application.Meta
	app, _ := newApp(t, nil, noting{mu: &mu, seen: &seen})
	at := uint64(9)
	parent := application.WithMeta(context.Background(), application.Meta{RequestID: "req-1", CommandID: "parent-cmd", ExpectedVersion: &at})
	if _, err := application.Send(parent, app, note{Text: "x"}, application.WithCommandID("saga-1/step-2")); err != nil {
		t.Fatal(err)
	}
	if _, err := application.Send(parent, app, note{Text: "y"}); err != nil {
		t.Fatal(err)
	}
	if seen[0].CommandID != "saga-1/step-2" || seen[0].CausationID != "parent-cmd" || seen[0].ExpectedVersion != nil {
		t.Errorf("with a command id: %+v", seen[0])
	}
	if seen[1].CommandID != "" {
		t.Errorf("the parent's command id carried over: %+v", seen[1])
	}
	twins, _ := newApp(t, nil, noting{mu: &mu, seen: &seen, twin: true})
	if _, err := application.Send(parent, twins, note{Text: "x"}); err == nil || !strings.Contains(err.Error(), "both") {
		t.Fatalf("an ambiguous type: %v", err)
	}
}
