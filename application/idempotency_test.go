package application_test

import (
	"context"
	"errors"
	"reflect"
	"regexp"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func withKey(key string) context.Context {
	return application.WithMeta(context.Background(), application.Meta{CommandID: key, Tenant: "t1"})
}

// TestIdempotentCommands: a command sent again with its command id
// answers the first result and appends nothing, in the same app, in
// another app on the same store (another process, or after a restart),
// and after other commands moved the stream on.
func TestIdempotentCommands(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seedIn(t, events, "t1", "a")
	body := []byte(`{"id":"a","by":5}`)
	first, err := app.Dispatch(withKey("k-1"), "counter.Increment", body)
	if err != nil {
		t.Fatal(err)
	}
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if len(first.Events) != 1 || !uuid.MatchString(first.Events[0]) {
		t.Fatalf("first result %+v: want one event with a derived UUID", first)
	}
	if _, err := app.Dispatch(application.WithMeta(context.Background(), application.Meta{Tenant: "t1"}), "counter.Increment", []byte(`{"id":"a","by":1}`)); err != nil {
		t.Fatal(err)
	}
	restarted := newAppOn(events, nil, counterModule{name: "counter"})
	for name, a := range map[string]*application.App{"same app": app, "another app": restarted} {
		again, err := a.Dispatch(withKey("k-1"), "counter.Increment", body)
		if err != nil || !reflect.DeepEqual(again, first) {
			t.Fatalf("%s: retry answered %+v (%v), want the first result %+v", name, again, err, first)
		}
	}
	if v, _ := events.StreamVersion(context.Background(), application.TenantKey("t1", "counter.c-a")); v != 3 {
		t.Fatalf("stream at version %d, want 3: seed, the keyed command once, one other", v)
	}
	seedIn(t, events, "t2", "a")
	other, err := app.Dispatch(application.WithMeta(context.Background(), application.Meta{CommandID: "k-1", Tenant: "t2"}), "counter.Increment", body)
	if err != nil || other.Events[0] == first.Events[0] {
		t.Fatalf("another tenant's key k-1 is another command: %+v %v", other, err)
	}
}

// TestReusedCommandIDsAreRefused: the same id with another body, or for
// another stream, is refused and appends nothing.
func TestReusedCommandIDsAreRefused(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seedIn(t, events, "t1", "a")
	seedIn(t, events, "t1", "b")
	if _, err := app.Dispatch(withKey("k-2"), "counter.Increment", []byte(`{"id":"a","by":5}`)); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{`{"id":"a","by":6}`, `{"id":"b","by":5}`} {
		_, err := app.Dispatch(withKey("k-2"), "counter.Increment", []byte(body))
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != "idempotency_key_reused" || de.Kind != domain.KindRejected {
			t.Fatalf("%s with a used id: %v, want idempotency_key_reused", body, err)
		}
	}
	va, _ := events.StreamVersion(context.Background(), application.TenantKey("t1", "counter.c-a"))
	vb, _ := events.StreamVersion(context.Background(), application.TenantKey("t1", "counter.c-b"))
	if va != 2 || vb != 1 {
		t.Fatalf("versions a %d b %d, want 2 and 1", va, vb)
	}
}

// TestConcurrentRetriesAppendOnce: the same keyed command sent at once
// through two apps on one store is appended once, and both answer it.
func TestConcurrentRetriesAppendOnce(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	other := newAppOn(events, nil, counterModule{name: "counter"})
	seedIn(t, events, "t1", "a")
	results := make([]application.Result, 16)
	var wg sync.WaitGroup
	for i := range results {
		a := []*application.App{app, other}[i%2]
		wg.Go(func() {
			var err error
			if results[i], err = a.Dispatch(withKey("k-3"), "counter.Increment", []byte(`{"id":"a","by":2}`)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, r := range results[1:] {
		if !reflect.DeepEqual(r, results[0]) {
			t.Fatalf("answers differ: %+v and %+v", r, results[0])
		}
	}
	finalCountOf(t, events, application.TenantKey("t1", "counter.c-a"), 3)
}

// TestSendWithACommandIDIsIdempotent: the command id given from Go code
// (WithCommandID) works like the HTTP Idempotency-Key.
func TestSendWithACommandIDIsIdempotent(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	ctx := context.Background()
	first, err := application.Send(ctx, app, increment{ID: "a", By: 3}, application.WithCommandID("job-7/step-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := application.Send(ctx, app, increment{ID: "a", By: 3}, application.WithCommandID("job-7/step-1"))
	if err != nil || !reflect.DeepEqual(again, first) {
		t.Fatalf("sent again: %+v (%v), want %+v", again, err, first)
	}
	finalCount(t, events, 4)
}
