package application_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// heldAfterCommitStore stores the first append, then holds it until gate
// closes, as a slow commit acknowledgement would: readers see the new
// version while its command still holds the stream.
type heldAfterCommitStore struct {
	*memory.Store
	entered, gate chan struct{}
	once          sync.Once
}

func (s *heldAfterCommitStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, evs []domain.Envelope) ([]domain.Envelope, error) {
	stored, err := s.Store.Append(ctx, stream, expected, evs)
	s.once.Do(func() { close(s.entered); <-s.gate })
	return stored, err
}

// TestQueuedCommandsRunInArrivalOrder: an If-Match command naming the
// stream's version, queued before plain commands, is decided before
// them, so commands that came after it cannot make it a conflict.
func TestQueuedCommandsRunInArrivalOrder(t *testing.T) {
	t.Parallel()
	store := &heldAfterCommitStore{Store: memory.New(), entered: make(chan struct{}), gate: make(chan struct{})}
	ctx := context.Background()
	seedPicky(t, store.Store)
	app := newAppOn(store, nil, pickyModule{})
	var wg sync.WaitGroup
	send := func(ctx context.Context) {
		wg.Go(func() {
			if _, err := app.Dispatch(ctx, "picky.Add", []byte(`{"id":"a","by":1}`)); err != nil {
				t.Error(err)
			}
		})
	}
	send(ctx)
	<-store.entered // stored at version 2, still holding the stream
	seen, err := store.StreamVersion(ctx, "picky.c-a")
	if err != nil || seen != 2 {
		t.Fatalf("stream at %d (%v), want 2", seen, err)
	}
	send(application.WithMeta(ctx, application.Meta{ExpectedVersion: &seen}))
	time.Sleep(50 * time.Millisecond) // queued first
	send(ctx)
	send(ctx)
	time.Sleep(50 * time.Millisecond) // queued behind it
	close(store.gate)
	within(t, &wg, 5*time.Second)
}
