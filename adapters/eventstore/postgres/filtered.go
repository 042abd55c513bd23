package postgres

import (
	"context"
	"math"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var _ application.FilteredFeed = (*Store)(nil)

// filteredSQL reads the events a filter selects in a range of positions
// the feed shows in full. The primary key gives the range; the filter is
// applied to its rows on the server, so only the selected ones are sent.
const filteredSQL = `SELECT ` + columns + ` FROM events
	WHERE position > $1 AND position <= $2 AND starts_with(stream_id, $3)
		AND (coalesce(cardinality($4::text[]), 0) = 0 OR type = ANY($4::text[]))
	ORDER BY position LIMIT $5`

// ReadAllFiltered returns up to limit events after position after that
// filter selects; see application.FilteredFeed. It takes the feed's head
// first (feed_head, which keeps the horizon of doc.go), then reads the
// selected events up to it in a later statement: every append that could
// still commit at or below the head had ended before the head was taken,
// so the later snapshot sees all of the range, and the head is the
// position read up to unless limit events came first.
func (s *Store) ReadAllFiltered(ctx context.Context, after uint64, filter application.FeedFilter, limit int) ([]domain.Envelope, uint64, error) {
	head, err := s.Head(ctx)
	if err != nil || head <= after {
		return nil, after, err
	}
	// A filter selects few events: no room is made for limit of them
	// before the first row, so an empty read allocates next to nothing.
	events, err := s.query(ctx, 0, filteredSQL, int64(min(after, math.MaxInt64)), int64(min(head, math.MaxInt64)),
		filter.StreamPrefix, filter.Types, sqlLimit(limit))
	if err != nil {
		return nil, after, err
	}
	if limit > 0 && len(events) == limit {
		head = events[len(events)-1].Position
	}
	return events, head, nil
}
