package catchup

import (
	"context"
	"errors"
	"testing"
	"time"
)

// receive takes n events and checks they continue without gaps after from.
func receive(t *testing.T, s *Subscription, from uint64, n int) {
	t.Helper()
	for i := range n {
		select {
		case e, ok := <-s.Events():
			if !ok {
				t.Fatalf("events closed after %d of %d: %v", i, n, s.Err())
			}
			if want := from + uint64(i) + 1; e.Position != want {
				t.Fatalf("got position %d, want %d", e.Position, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("timed out after %d of %d events", i, n)
		}
	}
}

// ended waits for Events to close and returns Err.
func ended(t *testing.T, s *Subscription) error {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.Events():
			if !ok {
				return s.Err()
			}
		case <-timeout:
			t.Fatal("subscription did not end")
		}
	}
}

func TestCatchUpInPagesThenLive(t *testing.T) {
	l := &fakeLog{}
	l.append(1000, false)
	ctx, cancel := context.WithCancel(context.Background())
	s := Feed{Read: l.read, Notifier: &l.n, PageSize: 100}.Subscribe(ctx, 250)
	receive(t, s, 250, 750)
	l.append(5, true)
	receive(t, s, 1000, 5)
	cancel()
	if err := ended(t, s); err != nil {
		t.Fatalf("Err after cancel = %v, want nil", err)
	}
}

func TestSlowConsumerMissesNothing(t *testing.T) {
	l := &fakeLog{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := Feed{Read: l.read, Notifier: &l.n, PageSize: 7}.Subscribe(ctx, 0)
	go func() {
		for range 50 {
			l.append(13, true)
		}
	}()
	for i := range 650 {
		if i%100 == 0 {
			time.Sleep(5 * time.Millisecond) // let appends pile up
		}
		receive(t, s, uint64(i), 1)
	}
}

func TestPollSeesAppendsWithoutNotification(t *testing.T) {
	l := &fakeLog{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := Feed{Read: l.read, Notifier: &l.n, PollInterval: 10 * time.Millisecond}.Subscribe(ctx, 0)
	l.append(3, false) // as if another process appended
	receive(t, s, 0, 3)
}

func TestReadErrorEndsSubscription(t *testing.T) {
	l := &fakeLog{}
	l.append(2, false)
	s := Feed{Read: l.read, Notifier: &l.n}.Subscribe(context.Background(), 0)
	receive(t, s, 0, 2)
	l.setFail(errBoom)
	l.n.Broadcast()
	if err := ended(t, s); !errors.Is(err, errBoom) {
		t.Fatalf("Err = %v, want %v", err, errBoom)
	}
}

func TestCancelWhileBlockedOnSlowConsumer(t *testing.T) {
	l := &fakeLog{}
	l.append(500, false)
	ctx, cancel := context.WithCancel(context.Background())
	s := Feed{Read: l.read, Notifier: &l.n}.Subscribe(ctx, 0)
	receive(t, s, 0, 1)
	cancel() // the goroutine is blocked sending: it must still exit
	if err := ended(t, s); err != nil {
		t.Fatalf("Err after cancel = %v, want nil", err)
	}
}
