package application_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// addRecovering sends picky.Add by by and reports whether it succeeded;
// a panic reaching the caller counts as a failure.
func addRecovering(app *application.App, by int) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := app.Dispatch(context.Background(), "picky.Add", fmt.Appendf(nil, `{"id":"a","by":%d}`, by))
	return err == nil
}

// within fails t unless wg is done before the deadline: a stream left
// locked would hang its commands forever.
func within(t *testing.T, wg *sync.WaitGroup, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("commands still waiting after %s: the stream is stuck", d)
	}
}

// TestAPanickingCommandDoesNotBlockItsStream: a decision that panics
// after raising fails its own command only; the commands queued with it
// or after it run, and its half-applied event is neither stored nor left
// in the state the next command decides on.
func TestAPanickingCommandDoesNotBlockItsStream(t *testing.T) {
	t.Parallel()
	store := newRacedStore(false)
	seedPicky(t, store.Store)
	app := newAppOn(store, nil, pickyModule{})
	var wg sync.WaitGroup
	run := func(by int, want bool) {
		wg.Go(func() {
			if ok := addRecovering(app, by); ok != want {
				t.Errorf("by %d: succeeded %v, want %v", by, ok, want)
			}
		})
	}
	run(1, true)
	<-store.entered // the first command holds the stream, appending
	for _, by := range []int{2, 99, 4, 8} {
		run(by, by != 99)
	}
	time.Sleep(100 * time.Millisecond) // let them queue up behind it
	close(store.gate)
	within(t, &wg, 5*time.Second)
	run(99, false) // leading alone
	within(t, &wg, 5*time.Second)
	run(16, true)
	within(t, &wg, 5*time.Second)
	c := &tallied{Base: domain.NewBase("picky.c-a")}
	if err := loadCold(store, app, c); err != nil || c.n != 31 || c.Version() != 6 {
		t.Fatalf("counter at %d, version %d (%v); want 31 at 6: seed, 1, 2, 4, 8, 16", c.n, c.Version(), err)
	}
}

// TestAStreamThatPanicsOnReplayDoesNotHang: an event whose Apply panics
// fails every command on its stream, each in turn, instead of leaving
// the stream locked after the first.
func TestAStreamThatPanicsOnReplayDoesNotHang(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, pickyModule{})
	appendFirst(t, events, "picky.c-a", "poison", "picky.Added", `{"by":77}`)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if addRecovering(app, 1) {
				t.Error("a command on a stream that cannot be replayed succeeded")
			}
		})
	}
	within(t, &wg, 5*time.Second)
	wg.Go(func() {
		if addRecovering(app, 1) {
			t.Error("a command on a stream that cannot be replayed succeeded")
		}
	})
	within(t, &wg, 5*time.Second)
}

// TestAPanicWhileCheckingARetryIsNoReusedKey: a retried command whose
// decision panics when decided again is answered with the panic, not
// told that its command id was used for another command.
func TestAPanicWhileCheckingARetryIsNoReusedKey(t *testing.T) {
	t.Parallel()
	repo := application.NewRepository(memory.New(), registry(t), application.RepositoryOptions{NewID: func() string { return "" }})
	calls := 0
	create := application.AggregateHandler(repo, application.MustBeNew,
		func(increment) *counter { return &counter{Base: domain.NewBase("c")} },
		func(_ context.Context, a *counter, c increment) error {
			calls++
			if calls > 1 {
				panic("decided differently the second time")
			}
			domain.Raise(a, incremented{By: c.By})
			return nil
		})
	send := func() (panicked bool, err error) {
		defer func() { panicked = recover() != nil }()
		_, err = create(withKey("k-1"), increment{ID: "c", By: 1})
		return false, err
	}
	if p, err := send(); p || err != nil {
		t.Fatalf("first: panicked %v, %v", p, err)
	}
	if p, err := send(); !p {
		t.Fatalf("retry: %v, want the panic", err)
	}
}
