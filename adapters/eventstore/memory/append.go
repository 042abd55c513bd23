package memory

import (
	"context"

	"github.com/webos-engine/webos/adapters/eventstore/internal/esinput"
	"github.com/webos-engine/webos/domain"
)

// Append adds events to stream if its version matches expected; see
// application.EventStore. Appending no events is a no-op.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if err := esinput.Validate(stream, expected, events); err != nil || len(events) == 0 {
		return nil, err
	}
	s.mu.Lock()
	out, err := s.appendLocked(ctx, stream, expected, events)
	s.mu.Unlock()
	if err == nil {
		s.notify.Broadcast()
	}
	return out, err
}

// appendLocked checks and stores events; the caller holds the write lock.
func (s *Store) appendLocked(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	versions := s.streams[stream]
	current := uint64(len(versions))
	if stored, ok := s.retried(versions, expected, events); ok {
		return stored, nil
	}
	if !expected.Matches(current) {
		return nil, domain.VersionConflict(stream, expected, current)
	}
	seen := make(map[string]bool, len(events))
	for _, e := range events {
		if _, dup := s.ids[e.ID]; dup || seen[e.ID] {
			return nil, domain.Errorf(domain.KindConflict, "duplicate_event", "event %s is already stored", e.ID)
		}
		seen[e.ID] = true
	}
	out := make([]domain.Envelope, len(events))
	for i, e := range events {
		out[i] = clone(e)
		out[i].StreamID = stream
	}
	prev := ""
	if current > 0 {
		prev = s.log[versions[current-1]].Hash
	}
	if err := domain.Chain(current, prev, out); err != nil {
		return nil, domain.Invalid(err.Error())
	}
	for i := range out {
		out[i].Position = s.nextPosition()
		s.ids[out[i].ID] = len(s.log)
		s.streams[stream] = append(s.streams[stream], len(s.log))
		s.log = append(s.log, clone(out[i]))
	}
	return out, nil
}

// retried returns the stored events when events is a retry of an append
// to the stream of versions, and the store answers retries with them.
func (s *Store) retried(versions []int, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, bool) {
	if !s.opts.IdempotentRetries || expected < 0 || int(expected)+len(events) > len(versions) {
		return nil, false
	}
	out := make([]domain.Envelope, len(events))
	for i, e := range events {
		out[i] = clone(s.log[versions[int(expected)+i]])
		if out[i].ID != e.ID {
			return nil, false
		}
	}
	return out, true
}

// nextPosition is the position of the next event: one more than the last,
// or with Options.Gaps up to a thousand more, from a fixed pseudo-random
// sequence so that failures repeat.
func (s *Store) nextPosition() uint64 {
	last := uint64(0)
	if n := len(s.log); n > 0 {
		last = s.log[n-1].Position
	}
	if !s.opts.Gaps {
		return last + 1
	}
	return last + 1 + uint64(len(s.log)+1)*2654435761%1000
}
