package sqlite

import (
	"context"
	"slices"

	"github.com/webos-engine/webos/adapters/eventstore/internal/esinput"
	"github.com/webos-engine/webos/domain"
)

// Append adds events to stream if its version matches expected; see
// application.EventStore. Appending no events is a no-op. The request joins
// the writer's next group commit and returns once that has committed.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if err := esinput.Validate(stream, expected, events); err != nil || len(events) == 0 {
		return nil, err
	}
	if s.closed.Load() {
		return nil, ErrClosed
	}
	if s.w == nil {
		return nil, ErrReadOnly
	}
	r := &request{ctx: ctx, stream: stream, expected: expected, events: slices.Clone(events), done: make(chan error, 1)}
	for i := range r.events {
		r.events[i].StreamID = stream
	}
	if err := s.w.submit(r); err != nil {
		return nil, err
	}
	return r.events, nil
}
