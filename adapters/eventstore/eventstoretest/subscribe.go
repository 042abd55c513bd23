package eventstoretest

import (
	"context"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// expect receives len(want) events and checks their ids and positions.
func expect(t *testing.T, sub application.Subscription, want []domain.Envelope) {
	t.Helper()
	timeout := time.After(wait)
	for i, w := range want {
		select {
		case e, ok := <-sub.Events():
			if !ok {
				t.Fatalf("subscription ended after %d of %d events: %v", i, len(want), sub.Err())
			}
			if e.ID != w.ID || e.Position != w.Position {
				t.Fatalf("event %d: got %s at %d, want %s at %d", i, e.ID, e.Position, w.ID, w.Position)
			}
		case <-timeout:
			t.Fatalf("timed out after %d of %d events", i, len(want))
		}
	}
}

// ends waits for the subscription to close and returns Err. Events still
// buffered are drained: after a cancel they may or may not be delivered.
func ends(t *testing.T, sub application.Subscription) error {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case _, ok := <-sub.Events():
			if !ok {
				return sub.Err()
			}
		case <-timeout:
			t.Fatal("subscription did not end")
		}
	}
}

func testSubscribeCatchUpAndLive(t *testing.T, s application.EventStore) {
	old := append(mustAppend(t, s, "a", domain.NoStream, 4), mustAppend(t, s, "b", domain.NoStream, 3)...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fromStart, fromMiddle := s.Subscribe(ctx, 0), s.Subscribe(ctx, old[3].Position)
	expect(t, fromStart, old)
	expect(t, fromMiddle, old[4:])
	live := mustAppend(t, s, "a", 4, 2)
	expect(t, fromStart, live)
	expect(t, fromMiddle, live)
	caughtUp := s.Subscribe(ctx, live[1].Position)
	later := mustAppend(t, s, "c", domain.NoStream, 1)
	expect(t, caughtUp, later)
	cancel()
	for _, sub := range []application.Subscription{fromStart, fromMiddle, caughtUp} {
		if err := ends(t, sub); err != nil {
			t.Fatalf("Err after cancel = %v, want nil", err)
		}
	}
}

func testSubscribeManyPages(t *testing.T, s application.EventStore) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := s.Subscribe(ctx, 0)
	var want []domain.Envelope
	for i := range 3 { // more than one page of the shared catch-up reader
		want = append(want, mustAppend(t, s, "bulk", domain.ExpectedVersion(i*250), 250)...)
	}
	expect(t, sub, want)
	cancel()
	if err := ends(t, sub); err != nil {
		t.Fatalf("Err after cancel = %v", err)
	}
}

func testCloseEndsSubscriptions(t *testing.T, s application.EventStore) {
	sub := s.Subscribe(context.Background(), 0)
	expect(t, sub, mustAppend(t, s, "a", domain.NoStream, 1))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ends(t, sub); err == nil {
		t.Fatal("Err after the store closed = nil, want an error")
	}
	if _, err := s.Append(context.Background(), "a", domain.AnyVersion, newEvents(1)); err == nil {
		t.Fatal("Append after Close succeeded")
	}
}
