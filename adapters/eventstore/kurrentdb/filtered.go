package kurrentdb

import (
	"context"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var _ application.FilteredFeed = (*Store)(nil)

// ReadAllFiltered returns up to limit events after position after that
// filter selects; see application.FilteredFeed. The server filters: it
// is a $all catch-up subscription from after with a server-side filter,
// ended when it has caught up (or sent limit events). The position read
// up to is the one the server caught up at, else the last checkpoint or
// event before it. Server filters match prefixes, and one kind of name
// only, so every event is checked here too (filter.Match).
func (s *Store) ReadAllFiltered(ctx context.Context, after uint64, filter application.FeedFilter, limit int) ([]domain.Envelope, uint64, error) {
	if err := s.usable(ctx); err != nil {
		return nil, after, err
	}
	c, err := s.conn()
	if err != nil {
		return nil, after, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	upTo := max(after, s.origin)
	ks, err := c.SubscribeToAll(ctx, kurrentdb.SubscribeToAllOptions{
		From: kurrentdb.Position{Commit: upTo, Prepare: upTo}, Filter: s.n.serverFilter(filter),
	})
	if err != nil {
		return nil, after, s.fail(ctx, c, err)
	}
	defer func() { _ = ks.Close() }()
	var out []domain.Envelope
	for {
		ev := ks.Recv()
		switch {
		case ev.SubscriptionDropped != nil:
			return nil, after, s.fail(ctx, c, ev.SubscriptionDropped.Error)
		case ev.CheckPointReached != nil:
			upTo = max(upTo, ev.CheckPointReached.Commit)
		case ev.EventAppeared != nil && ev.EventAppeared.Event != nil:
			r := ev.EventAppeared.Event
			if r.Position.Commit <= upTo {
				continue
			}
			upTo = r.Position.Commit
			if !s.n.ours(r.StreamID) {
				continue
			}
			e, err := s.n.decode(r)
			if err != nil {
				return nil, after, err
			}
			if filter.Match(e) {
				if out = append(out, e); len(out) == limit {
					return out, upTo, nil
				}
			}
		case ev.FellBehind != nil:
		default: // caught up; an answer without a timestamp carries nothing else
			if ev.CaughtUp != nil && ev.CaughtUp.Position != nil {
				upTo = max(upTo, ev.CaughtUp.Position.Commit)
			}
			return out, upTo, nil
		}
	}
}

// serverFilter is the server-side part of filter: the stream prefix
// within the namespace, or the types as event-type prefixes when the
// filter names types only.
func (n names) serverFilter(f application.FeedFilter) *kurrentdb.SubscriptionFilter {
	if f.StreamPrefix == "" && len(f.Types) > 0 {
		return &kurrentdb.SubscriptionFilter{Type: kurrentdb.EventFilterType, Prefixes: f.Types}
	}
	return &kurrentdb.SubscriptionFilter{Type: kurrentdb.StreamFilterType, Prefixes: []string{n.stream(f.StreamPrefix)}}
}
