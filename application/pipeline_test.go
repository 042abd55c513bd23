package application_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func TestPipelineParsesBeforeAuthorisingBeforeValidatingBeforeHandling(t *testing.T) {
	t.Parallel()
	calls := &atomic.Int64{}
	app, events := newApp(t, denyAll{}, counterModule{name: "counter", calls: calls})
	allowed, allowedEvents := newApp(t, application.AllowAll{}, counterModule{name: "counter"})
	seed(t, events, "a")
	seed(t, allowedEvents, "a")
	ctx := context.Background()
	// parsed: the body is one strict JSON object, so it reaches the
	// authoriser; schema: what validation says once authorised (0: the
	// command is handled).
	cases := []struct {
		body   string
		parsed bool
		schema domain.Kind
	}{
		{`{"id":"a","by":1`, false, domain.KindInvalid},           // malformed
		{`[1]`, false, domain.KindInvalid},                        // not an object
		{`{"id":"a","by":0}`, true, domain.KindInvalid},           // schema: minimum
		{`{"id":"a","by":1,"x":1}`, true, domain.KindInvalid},     // schema: extra field
		{`{"id":"a","by":1}`, true, 0},                            // valid
		{`{"id":"a","by":1e400}`, true, domain.KindInvalid},       // huge number
		{`{"id":"a","by":"1"}`, true, domain.KindInvalid},         // mistyped
		{`{"id":"a"}`, true, domain.KindInvalid},                  // missing
		{`{"id":"a","by":1,"by":2}`, false, domain.KindInvalid},   // duplicate keys
		{`{"id":"\ud800","by":1}`, false, domain.KindInvalid},     // lone surrogate
		{"{\"id\":\"\xff\",\"by\":1}", false, domain.KindInvalid}, // invalid UTF-8
		{`{"id":"a","by":1e1}`, true, 0},                          // an integer to JSON Schema
		{`{"id":"a","by":10.0}`, true, 0},                         // an integer to JSON Schema
		{`{"id":"a","by":1.5}`, true, domain.KindInvalid},         // not an integer
	}
	for _, c := range cases {
		denied := domain.KindForbidden
		if !c.parsed {
			denied = domain.KindInvalid
		}
		if _, err := app.Dispatch(ctx, "counter.Increment", []byte(c.body)); domain.KindOf(err) != denied {
			t.Errorf("%s without the permission: got %v, want kind %v", c.body, err, denied)
		}
		if _, err := allowed.Dispatch(ctx, "counter.Increment", []byte(c.body)); domain.KindOf(err) != c.schema {
			t.Errorf("%s with the permission: got %v, want kind %v", c.body, err, c.schema)
		}
	}
	if calls.Load() != 0 {
		t.Fatalf("the handler ran %d times although every request was refused", calls.Load())
	}
	if v, _ := events.StreamVersion(ctx, "counter.c-a"); v != 1 {
		t.Fatalf("refused commands appended events: version %d", v)
	}
}

func TestConcurrentCommandsRetryLostRaces(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := app.Dispatch(context.Background(), "counter.Increment", []byte(`{"id":"a","by":1}`))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := events.StreamVersion(context.Background(), "counter.c-a"); v != 21 {
		t.Fatalf("version %d, want 21: every command without If-Match lands", v)
	}
}

func TestIfMatch(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	at := func(v uint64) context.Context {
		return application.WithMeta(context.Background(), application.Meta{ExpectedVersion: &v})
	}
	body := []byte(`{"id":"a","by":2}`)
	res, err := app.Dispatch(at(1), "counter.Increment", body)
	if err != nil || res.Version != 2 || len(res.Events) != 1 {
		t.Fatalf("matching If-Match: %+v %v", res, err)
	}
	_, err = app.Dispatch(at(1), "counter.Increment", body)
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "version_conflict" {
		t.Fatalf("stale If-Match: %v", err)
	}
	if _, err := app.Dispatch(context.Background(), "counter.Increment", []byte(`{"id":"nope","by":2}`)); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("missing aggregate: %v", err)
	}
}

func TestServices(t *testing.T) {
	t.Parallel()
	s := application.NewServices()
	type greeter interface{ Greet() string }
	if _, err := application.Lookup[greeter](s); err == nil {
		t.Fatal("lookup of a missing service must fail")
	}
	if err := application.Provide[greeter](s, hello{}); err != nil {
		t.Fatal(err)
	}
	if err := application.Provide[greeter](s, hello{}); err == nil {
		t.Fatal("a second provider must be refused")
	}
	g, err := application.Lookup[greeter](s)
	if err != nil || g.Greet() != "hello" {
		t.Fatalf("lookup: %v %v", g, err)
	}
}

type hello struct{}

func (hello) Greet() string { return "hello" }

// TestCachedLoadsSeeAppendsFromElsewhere appends to a stream behind the
// repository's back (as another process would) between two commands.
func TestCachedLoadsSeeAppendsFromElsewhere(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	ctx := context.Background()
	if _, err := app.Dispatch(ctx, "counter.Increment", []byte(`{"id":"a","by":1}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Append(ctx, "counter.c-a", 2, []domain.Envelope{{ID: "elsewhere", Type: "counter.Incremented", SchemaVersion: 1, Data: []byte(`{"by":40}`)}}); err != nil {
		t.Fatal(err)
	}
	// If-Match 3 passes only if the module's warm repository saw the
	// foreign append.
	at := uint64(3)
	res, err := app.Dispatch(application.WithMeta(ctx, application.Meta{ExpectedVersion: &at}), "counter.Increment", []byte(`{"id":"a","by":1}`))
	if err != nil || res.Version != 4 {
		t.Fatalf("command after the foreign append: %+v %v", res, err)
	}
}
