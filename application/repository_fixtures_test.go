package application_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Fixtures shared by the repository's queueing tests (batch, order,
// cancel, panic, deadlock): a stream created behind the app's back (which
// the other tests' seeds use too), a store that holds the first append,
// and a cold look at what was stored.

// appendFirst creates stream with one event of type typ and JSON data,
// appended to events directly (not through a command), so the tests'
// commands find an existing aggregate.
func appendFirst(t testing.TB, events application.EventStore, stream, id, typ, data string) {
	t.Helper()
	env := domain.Envelope{ID: id, Type: typ, SchemaVersion: 1, Data: []byte(data)}
	if _, err := events.Append(context.Background(), stream, domain.NoStream, []domain.Envelope{env}); err != nil {
		t.Fatal(err)
	}
}

// seedPicky creates picky's counter a at 0, the stream the queueing tests
// send their commands to.
func seedPicky(t testing.TB, events application.EventStore) {
	t.Helper()
	appendFirst(t, events, "picky.c-a", "seed", "picky.Added", `{"by":0}`)
}

// newRacedStore makes a racedStore on a fresh memory store; without
// foreign, its foreign writer never comes in.
func newRacedStore(foreign bool) *racedStore {
	s := &racedStore{Store: memory.New(), entered: make(chan struct{}), gate: make(chan struct{})}
	if !foreign {
		s.raced.Do(func() {})
	}
	return s
}

// loadCold loads agg from events through a repository with no cache, so
// it sees what was stored, not what the app holds in memory.
func loadCold(events application.EventStore, app *application.App, agg domain.Aggregate) error {
	cold := application.NewRepository(events, app.Events(), application.RepositoryOptions{NewID: func() string { return "" }, CachedStreams: -1})
	return cold.Load(context.Background(), agg)
}
