package catchup

import (
	"context"
	"fmt"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// DefaultPageSize is how many events a subscription reads per query when
// Feed.PageSize is not set.
const DefaultPageSize = 512

// eventBuffer lets the reader run a little ahead of the consumer without
// holding more than a page in memory; a full buffer simply blocks the
// reader, so a slow consumer never makes it skip anything.
const eventBuffer = 64

// ReadFunc reads up to limit events with a position greater than after, in
// position order; it has the shape of application.EventStore.ReadAll. It
// must return a full page whenever that many events exist, since a short
// page is how a subscription knows it has caught up.
type ReadFunc func(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)

// Feed describes where a store's subscriptions read from and how they learn
// about new events.
type Feed struct {
	// Read reads the global feed.
	Read ReadFunc
	// Notifier is broadcast after every in-process commit; required.
	Notifier *Notifier
	// PollInterval bounds how long a caught-up subscription waits without a
	// notification before it reads again, to see appends committed by other
	// processes. Zero disables polling (for stores with one process only).
	PollInterval time.Duration
	// PageSize is the number of events per read; 0 means DefaultPageSize.
	PageSize int
}

// Subscription is the application.Subscription returned by Feed.Subscribe.
type Subscription struct {
	events chan domain.Envelope
	done   chan struct{}
	err    error
}

var _ application.Subscription = (*Subscription)(nil)

// Subscribe starts a subscription delivering every event with a position
// greater than after, in order and skipping none, and then live appends,
// until ctx ends or a read fails. Its goroutine exits, and Events is closed,
// as soon as ctx ends, so cancelling ctx is how a consumer lets go.
func (f Feed) Subscribe(ctx context.Context, after uint64) *Subscription {
	s := &Subscription{events: make(chan domain.Envelope, eventBuffer), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		defer close(s.events)
		s.err = f.run(ctx, after, s.events)
	}()
	return s
}

// Events yields the events in position order; it is closed when the
// subscription ends.
func (s *Subscription) Events() <-chan domain.Envelope { return s.events }

// Err tells why Events was closed: nil when the context ended, the read
// error otherwise. It waits for the subscription to end if called early.
func (s *Subscription) Err() error {
	<-s.done
	return s.err
}

func (f Feed) run(ctx context.Context, after uint64, out chan<- domain.Envelope) error {
	page := f.PageSize
	if page <= 0 {
		page = DefaultPageSize
	}
	var poll *time.Ticker
	var pollC <-chan time.Time
	if f.PollInterval > 0 {
		poll = time.NewTicker(f.PollInterval)
		defer poll.Stop()
		pollC = poll.C
	}
	for {
		// Take the wake-up channel before reading: a commit that lands
		// after the read has started will close it, so it cannot be lost.
		wake := f.Notifier.Wait()
		events, err := f.Read(ctx, after, page)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("catchup: read after position %d: %w", after, err)
		}
		for _, e := range events {
			if e.Position <= after {
				return fmt.Errorf("catchup: store returned position %d after %d", e.Position, after)
			}
			select {
			case out <- e:
				after = e.Position
			case <-ctx.Done():
				return nil
			}
		}
		if len(events) == page {
			continue // more may be waiting: keep reading without sleeping
		}
		select {
		case <-wake:
		case <-pollC:
		case <-ctx.Done():
			return nil
		}
	}
}
