package application

import (
	"context"
	"time"
)

// Lag is how far a consumer of the global feed is behind the store:
// counted in events, and in time. Positions cannot measure it, since a
// store may leave gaps between them (see EventStore).
type Lag struct {
	// Events is how many events are stored after the consumer's position,
	// counted up to the limit given to MeasureLag.
	Events int
	// More is true when more than Events are stored after it.
	More bool
	// Oldest is when the oldest event the consumer has not applied was
	// recorded (its RecordedAt); zero when the consumer is caught up.
	Oldest time.Time
}

// MeasureLag measures the lag of a consumer that has applied the feed up
// to position after. Counting reads the events, so it stops after limit
// of them (limit <= 0: 1): a consumer far behind reads as "more than
// limit" at the cost of one bounded read.
func MeasureLag(ctx context.Context, events EventStore, after uint64, limit int) (Lag, error) {
	limit = max(limit, 1)
	evs, err := events.ReadAll(ctx, after, limit+1)
	if err != nil || len(evs) == 0 {
		return Lag{}, err
	}
	return Lag{Events: min(len(evs), limit), More: len(evs) > limit, Oldest: evs[0].RecordedAt}, nil
}
