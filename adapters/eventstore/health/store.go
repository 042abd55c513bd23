// Package health wraps an application.EventStore to remember whether its
// recent reads and appends failed, so that readiness reflects what
// commands and views actually meet rather than one probe that a page cache
// can answer while the disk fails.
package health

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Window is how long a failed read or append makes the store unhealthy
// when no later one succeeds. Once it has passed the store is given the
// benefit of the doubt again (like a half-open circuit breaker): traffic
// returns, and the next failure reports it again.
const Window = 30 * time.Second

// failure is the last failed call of one kind.
type failure struct {
	at  time.Time
	err error
}

// Store is an application.EventStore that records the outcome of the
// calls made through it. Subscriptions are not tracked: projections
// report their own failures.
type Store struct {
	application.EventStore
	now           func() time.Time // the clock; tests move it
	reads, writes atomic.Pointer[failure]
}

// Track wraps events.
func Track(events application.EventStore) *Store {
	return &Store{EventStore: events, now: time.Now}
}

// note records the outcome of one call. Errors about the input (domain
// errors: a version conflict, invalid events) and about the caller's
// context say nothing about the store's health.
func (s *Store) note(p *atomic.Pointer[failure], err error) {
	switch {
	case err == nil:
		if p.Load() != nil {
			p.Store(nil)
		}
	case domain.KindOf(err) != 0, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
	default:
		p.Store(&failure{at: s.now(), err: err})
	}
}

// Append appends through the wrapped store and records the outcome.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	out, err := s.EventStore.Append(ctx, stream, expected, events)
	s.note(&s.writes, err)
	return out, err
}

// ReadStream reads through the wrapped store and records the outcome.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	out, err := s.EventStore.ReadStream(ctx, stream, from, dir, limit)
	s.note(&s.reads, err)
	return out, err
}

// EventByID reads through the wrapped store and records the outcome.
func (s *Store) EventByID(ctx context.Context, id string) (domain.Envelope, bool, error) {
	e, ok, err := s.EventStore.EventByID(ctx, id)
	s.note(&s.reads, err)
	return e, ok, err
}

// StreamVersion reads through the wrapped store and records the outcome.
func (s *Store) StreamVersion(ctx context.Context, stream string) (uint64, error) {
	v, err := s.EventStore.StreamVersion(ctx, stream)
	s.note(&s.reads, err)
	return v, err
}

// ReadAll reads through the wrapped store and records the outcome.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	out, err := s.EventStore.ReadAll(ctx, after, limit)
	s.note(&s.reads, err)
	return out, err
}

// Head reads through the wrapped store and records the outcome.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	h, err := s.EventStore.Head(ctx)
	s.note(&s.reads, err)
	return h, err
}

// Check probes the store with a read and reports the last failed append
// or read of the past Window that no success has followed, or nil. The
// probe does not clear a read failure: one cheap query that works says
// little about the others.
func (s *Store) Check(ctx context.Context) error {
	if _, err := s.EventStore.Head(ctx); err != nil {
		return fmt.Errorf("event store read probe: %w", err)
	}
	if f := s.writes.Load(); f != nil && s.now().Sub(f.at) < Window {
		return fmt.Errorf("event store append failed %s ago: %w", s.now().Sub(f.at).Round(time.Millisecond), f.err)
	}
	if f := s.reads.Load(); f != nil && s.now().Sub(f.at) < Window {
		return fmt.Errorf("event store read failed %s ago: %w", s.now().Sub(f.at).Round(time.Millisecond), f.err)
	}
	return nil
}
