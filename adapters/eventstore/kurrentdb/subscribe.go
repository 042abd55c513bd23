package kurrentdb

import (
	"context"
	"errors"
	"time"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Backoff bounds between two attempts to subscribe again.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// subscription is the application.Subscription of a Store.
type subscription struct {
	events chan domain.Envelope
	err    error
}

func (s *subscription) Events() <-chan domain.Envelope { return s.events }
func (s *subscription) Err() error                     { return s.err }

// Subscribe follows the store's events after position after; see the
// package doc. It ends with nil when ctx ends and with ErrClosed when the
// store closes; a dropped server subscription is made again.
func (s *Store) Subscribe(ctx context.Context, after uint64) application.Subscription {
	sub := &subscription{events: make(chan domain.Envelope)}
	go s.follow(ctx, after, sub)
	return sub
}

func (s *Store) follow(parent context.Context, after uint64, sub *subscription) {
	defer close(sub.events)
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	pos, wait := max(after, s.origin), minBackoff
	for {
		progressed, err := s.followOnce(ctx, &pos, sub)
		select {
		case <-s.done:
			sub.err = ErrClosed
			return
		default:
		}
		if parent.Err() != nil {
			return
		}
		if de := (decodeError{}); errors.As(err, &de) {
			sub.err = err
			return
		}
		if progressed {
			wait = minBackoff
		}
		s.log.Warn("kurrentdb: subscription dropped; subscribing again", "after", pos, "in", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
		wait = min(2*wait, maxBackoff)
	}
}

// decodeError is a stored event the store cannot read: subscribing again
// would meet it again, so the subscription ends with it.
type decodeError struct{ error }

// followOnce subscribes after *pos and delivers until the subscription
// drops, advancing *pos past every event delivered and every checkpoint.
func (s *Store) followOnce(ctx context.Context, pos *uint64, sub *subscription) (progressed bool, err error) {
	c, err := s.conn()
	if err != nil {
		return false, err
	}
	ks, err := c.SubscribeToAll(ctx, kurrentdb.SubscribeToAllOptions{
		From:   kurrentdb.Position{Commit: *pos, Prepare: *pos},
		Filter: &kurrentdb.SubscriptionFilter{Type: kurrentdb.StreamFilterType, Prefixes: []string{s.n.domainPrefix()}},
	})
	if err != nil {
		s.recover(c, err)
		return false, err
	}
	defer func() { _ = ks.Close() }()
	for {
		ev := ks.Recv()
		switch {
		case ev.SubscriptionDropped != nil:
			s.recover(c, ev.SubscriptionDropped.Error)
			return progressed, ev.SubscriptionDropped.Error
		case ev.CheckPointReached != nil:
			// Every matching event up to a checkpoint has been sent.
			*pos = max(*pos, ev.CheckPointReached.Commit)
		case ev.EventAppeared != nil && ev.EventAppeared.Event != nil:
			e, err := s.n.decode(ev.EventAppeared.Event)
			if err != nil {
				return progressed, decodeError{err}
			}
			if e.Position <= *pos {
				continue
			}
			select {
			case sub.events <- e:
			case <-ctx.Done():
				return progressed, ctx.Err()
			}
			*pos, progressed = e.Position, true
		}
	}
}
