package memory

import (
	"context"
	"sort"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// ReadStream returns up to limit events of stream; see
// application.EventStore.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	versions := s.streams[stream]
	var idx []int // indexes into log, in the order to return
	if dir == application.Backward {
		top := uint64(len(versions))
		if from > 0 && from < top {
			top = from
		}
		for v := int(top) - 1; v >= 0; v-- {
			idx = append(idx, versions[v])
		}
	} else {
		start := max(from, 1) - 1
		idx = versions[min(start, uint64(len(versions))):]
	}
	if limit > 0 && len(idx) > limit {
		idx = idx[:limit]
	}
	out := make([]domain.Envelope, len(idx))
	for i, j := range idx {
		out[i] = clone(s.log[j])
	}
	return out, nil
}

// EventByID returns the event with the given id; see
// application.EventStore.
func (s *Store) EventByID(ctx context.Context, id string) (domain.Envelope, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return domain.Envelope{}, false, err
	}
	i, ok := s.ids[id]
	if !ok {
		return domain.Envelope{}, false, nil
	}
	return clone(s.log[i]), true, nil
}

// StreamVersion returns the version of the stream's last event, 0 if none.
func (s *Store) StreamVersion(ctx context.Context, stream string) (uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	return uint64(len(s.streams[stream])), nil
}

// ReadAll returns up to limit events with a position greater than after.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return nil, err
	}
	rest := s.log[sort.Search(len(s.log), func(i int) bool { return s.log[i].Position > after }):]
	if limit > 0 && len(rest) > limit {
		rest = rest[:limit]
	}
	out := make([]domain.Envelope, len(rest))
	for i, e := range rest {
		out[i] = clone(e)
	}
	return out, nil
}

// ReadAllFiltered returns up to limit events after position after that
// filter selects, and the position it read up to: the last event it
// looked at; see application.FilteredFeed.
func (s *Store) ReadAllFiltered(ctx context.Context, after uint64, filter application.FeedFilter, limit int) ([]domain.Envelope, uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return nil, 0, err
	}
	var out []domain.Envelope
	for _, e := range s.log[sort.Search(len(s.log), func(i int) bool { return s.log[i].Position > after }):] {
		after = e.Position
		if filter.Match(e) {
			if out = append(out, clone(e)); len(out) == limit {
				break
			}
		}
	}
	return out, after, nil
}

// Head returns the position of the last event, 0 if none.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(ctx); err != nil {
		return 0, err
	}
	if len(s.log) == 0 {
		return 0, nil
	}
	return s.log[len(s.log)-1].Position, nil
}
