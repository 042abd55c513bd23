package memory

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"maps"
	"sync"

	"github.com/webos-engine/webos/adapters/eventstore/catchup"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// ErrClosed is returned by every method of a Store after Close.
var ErrClosed = errors.New("memory event store: closed")

// Store is an in-memory application.EventStore. The zero value is not
// usable; call New.
type Store struct {
	mu      sync.RWMutex
	log     []domain.Envelope // the global feed, in position order
	streams map[string][]int  // stream id -> indexes into log, by version
	ids     map[string]int    // event id -> index into log
	// checkpoints are the application.CheckpointStore's, by consumer.
	checkpoints map[string]application.Checkpoint
	closed      bool
	notify      catchup.Notifier
	id          string
	opts        Options
}

var _ application.EventStore = (*Store)(nil)

// Options make a Store answer where the contract lets stores differ (see
// eventstoretest.Capabilities) as other stores do, so that code meant for
// every store can be tested against those answers in memory. The zero
// value is the plain store: positions 1, 2, 3, ... and every duplicate id
// refused.
type Options struct {
	// Gaps leaves gaps between positions, as PostgreSQL sequences and
	// KurrentDB's log offsets do: positions grow by up to a thousand per
	// event, so code that subtracts them to count events is found out.
	Gaps bool
	// IdempotentRetries answers a retried append (the same ids, right
	// after the same definite expected version) with the stored events,
	// writing nothing, as KurrentDB does.
	IdempotentRetries bool
}

// New returns an empty store.
func New() *Store { return NewWith(Options{}) }

// NewWith returns an empty store that answers as opts says.
func NewWith(opts Options) *Store {
	return &Store{streams: map[string][]int{}, ids: map[string]int{}, checkpoints: map[string]application.Checkpoint{},
		id: rand.Text(), opts: opts}
}

// StoreID returns the random id the store was made with; see
// application.EventStore.
func (s *Store) StoreID(ctx context.Context) (string, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return "", err
	}
	return s.id, nil
}

// Subscribe follows the global feed; see application.EventStore. Only this
// process can append, so the subscription never needs to poll.
func (s *Store) Subscribe(ctx context.Context, after uint64) application.Subscription {
	return catchup.Feed{Read: s.ReadAll, Notifier: &s.notify}.Subscribe(ctx, after)
}

// Close drops nothing but makes every later call fail with ErrClosed and
// ends the open subscriptions with that error. It is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.notify.Broadcast()
	return nil
}

// usable is the check every method makes under the lock.
func (s *Store) usable(ctx context.Context) error {
	if s.closed {
		return ErrClosed
	}
	return ctx.Err()
}

// clone copies the parts of an envelope that alias memory, so neither the
// caller's later edits nor a reader's can reach the stored event.
func clone(e domain.Envelope) domain.Envelope {
	e.Data = bytes.Clone(e.Data)
	e.TraceContext = maps.Clone(e.TraceContext)
	return e
}
