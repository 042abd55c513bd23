package application

import (
	"context"
	"slices"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// FeedFilter selects events of the global feed: those of a stream whose id
// starts with StreamPrefix ("": every stream) and whose type is one of
// Types (none: every type).
type FeedFilter struct {
	StreamPrefix string
	Types        []string
}

// Match reports whether f selects e.
func (f FeedFilter) Match(e domain.Envelope) bool {
	return strings.HasPrefix(e.StreamID, f.StreamPrefix) && (len(f.Types) == 0 || slices.Contains(f.Types, e.Type))
}

// FilteredFeed is an optional capability of an EventStore: reading only the
// events of the global feed a FeedFilter selects, filtered by the store,
// so that a consumer of a few kinds of events (settings.Service.Follow)
// does not read and decode the whole feed. ReadFiltered uses it when the
// store has it.
//
// Contract, checked by adapters/eventstore/eventstoretest for every
// adapter (through ReadFiltered):
//   - ReadAllFiltered returns, in position order, up to limit (<= 0: all)
//     of the events with a position greater than after that filter
//     selects, and readUpTo, the position it read the feed up to:
//     readUpTo >= after, and every selected event with a position in
//     (after, readUpTo] is among those returned. When it returns limit
//     events, readUpTo is the last one's position. Otherwise readUpTo
//     passes the events that were not selected, up to the feed's head,
//     so that a caller going on from readUpTo does not read them again;
//     it may be past Head when the store's log holds records that are not
//     its events (KurrentDB).
//   - readUpTo keeps the feed's rule (see EventStore): no event is ever
//     committed at or below it after the read, so going on from it misses
//     nothing, whatever appends were in flight.
type FilteredFeed interface {
	// ReadAllFiltered reads the events of the feed after position after
	// that filter selects; see the interface.
	ReadAllFiltered(ctx context.Context, after uint64, filter FeedFilter, limit int) (events []domain.Envelope, readUpTo uint64, err error)
}

// filterPage is how many events of the feed ReadFiltered reads at a time
// from a store without FilteredFeed.
const filterPage = 512

// ReadFiltered reads the events of the feed after position after that
// filter selects, as FilteredFeed.ReadAllFiltered does: with the store's
// own filter when it has one, else by reading the feed with ReadAll and
// filtering the events here.
func ReadFiltered(ctx context.Context, events EventStore, after uint64, filter FeedFilter, limit int) ([]domain.Envelope, uint64, error) {
	if f, ok := events.(FilteredFeed); ok {
		return f.ReadAllFiltered(ctx, after, filter, limit)
	}
	var out []domain.Envelope
	for {
		page, err := events.ReadAll(ctx, after, filterPage)
		if err != nil {
			return nil, 0, err
		}
		for _, e := range page {
			after = e.Position
			if filter.Match(e) {
				if out = append(out, e); len(out) == limit {
					return out, after, nil
				}
			}
		}
		if len(page) < filterPage {
			return out, after, nil
		}
	}
}
