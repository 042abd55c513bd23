package application_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// hammer sends perClient counter.Increment commands without If-Match
// from clients goroutines, spread over apps, to counter a, and fails the
// test on any error.
func hammer(t *testing.T, apps []*application.App, clients, perClient int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range clients {
		app := apps[i%len(apps)]
		wg.Go(func() {
			for range perClient {
				if _, err := app.Dispatch(context.Background(), "counter.Increment", []byte(`{"id":"a","by":1}`)); err != nil {
					t.Errorf("client %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// finalCount loads counter a cold and checks it saw every increment.
func finalCount(t *testing.T, events application.EventStore, want int) {
	t.Helper()
	finalCountOf(t, events, "counter.c-a", want)
}

// finalCountOf checks the count of the counter in stream.
func finalCountOf(t *testing.T, events application.EventStore, stream string, want int) {
	t.Helper()
	c := &counter{Base: domain.NewBase(stream)}
	cold := application.NewRepository(events, registry(t), application.RepositoryOptions{NewID: func() string { return "" }, CachedStreams: -1})
	if err := cold.Load(context.Background(), c); err != nil || c.n != want {
		t.Fatalf("counter at %d (%v), want %d", c.n, err, want)
	}
}

// TestCommandsOnOneStreamNeverConflict: commands of one process on one
// stream are serialised, so none of them sees a version conflict.
func TestCommandsOnOneStreamNeverConflict(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	hammer(t, []*application.App{app}, 32, 40)
	finalCount(t, events, 1+32*40)
}

// TestConflictsWithOtherProcessesAreRetried: two apps on one store race
// for one stream like two processes; the loser backs off and decides
// again, within the bounded time.
func TestConflictsWithOtherProcessesAreRetried(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	other := newAppOn(events, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	hammer(t, []*application.App{app, other}, 8, 25)
	finalCount(t, events, 1+8*25)
}

// TestIfMatchConflictsAreNotRetried: a caller that names the version it
// saw gets the conflict, whatever the process.
func TestIfMatchConflictsAreNotRetried(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seed(t, events, "a")
	stale := uint64(0)
	_, err := app.Dispatch(application.WithMeta(context.Background(), application.Meta{ExpectedVersion: &stale}), "counter.Increment", []byte(`{"id":"a","by":1}`))
	if fmt.Sprint(err) != "stream counter.c-a is at version 1, expected 0" {
		t.Fatalf("err %v, want the version conflict", err)
	}
}
