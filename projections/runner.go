package projections

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
)

// flushTimeout bounds the final flush at shutdown, which runs after the
// run context has ended.
const flushTimeout = 10 * time.Second

// runner drives one projection.
type runner struct {
	rt *Runtime
	p  *application.Projection

	mu     sync.Mutex
	status Status
}

func (r *runner) snapshot() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

func (r *runner) set(fn func(*Status)) {
	r.mu.Lock()
	fn(&r.status)
	r.mu.Unlock()
}

// run follows the feed until ctx ends, retrying with back-off after a
// failure; each attempt resumes from the stored checkpoint, so a failed
// batch is applied again from its start and never half.
func (r *runner) run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for {
		err := r.follow(ctx, 0)
		if ctx.Err() != nil {
			r.set(func(s *Status) { s.State = Stopped })
			return
		}
		r.rt.log.Error("projection failed", "projection", r.p.Name(), "error", err, "retry_in", backoff)
		r.set(func(s *Status) { s.State, s.Error = Failed, err.Error() })
		select {
		case <-ctx.Done():
			r.set(func(s *Status) { s.State = Stopped })
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, r.rt.opts.MaxBackoff)
	}
}

// catchUp applies the feed up to position until, then returns.
func (r *runner) catchUp(ctx context.Context, until uint64) error {
	if until == 0 {
		return nil
	}
	return r.follow(ctx, until)
}

// follow applies events from the checkpoint on, in batches, until ctx
// ends or, when until > 0, position until has been applied.
func (r *runner) follow(ctx context.Context, until uint64) error {
	cp, err := r.rt.store.Checkpoint(ctx, r.p.Name())
	if err != nil {
		return err
	}
	r.set(func(s *Status) { s.Checkpoint, s.State, s.Error = cp, CatchingUp, "" })
	if until > 0 && cp >= until {
		return nil
	}
	// Up to the head as it is now, the projection is catching up: batches
	// grow to CatchUpBatchSize and the timer does not cut them short.
	backlog := until
	if backlog == 0 {
		if backlog, err = r.rt.events.Head(ctx); err != nil {
			return err
		}
	}
	subCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := r.rt.events.Subscribe(subCtx, cp)
	stop := make(chan struct{})
	defer close(stop)
	events := r.prefetch(stop, sub.Events())
	b := &batch{r: r, last: cp}
	timer := time.NewTimer(r.rt.opts.FlushInterval)
	defer timer.Stop()
	for {
		select {
		case it, ok := <-events:
			if !ok {
				ferr := b.flush(context.WithoutCancel(ctx))
				if err := sub.Err(); err != nil {
					return errors.Join(err, ferr)
				}
				return errors.Join(ctx.Err(), ferr)
			}
			b.add(it)
			pos := it.env.Position
			done := until > 0 && pos >= until
			limit := r.rt.opts.BatchSize
			if pos < backlog {
				limit = r.rt.opts.CatchUpBatchSize
			}
			if b.size >= limit || done {
				if err := b.flush(ctx); err != nil {
					return err
				}
			}
			if done {
				return nil
			}
		case <-timer.C:
			if b.last >= backlog {
				if err := b.flush(ctx); err != nil {
					return err
				}
			}
			timer.Reset(r.rt.opts.FlushInterval)
		}
	}
}

// batch accumulates events for one read-model transaction. Events the
// projection does not handle only move the checkpoint.
type batch struct {
	r     *runner
	items []item
	size  int
	last  uint64
}

func (b *batch) add(it item) {
	if it.handled {
		b.items = append(b.items, it)
	}
	b.size++
	b.last = it.env.Position
}

func (b *batch) flush(ctx context.Context) error {
	if b.size == 0 {
		return b.r.markLive(ctx)
	}
	ctx, cancel := context.WithTimeout(ctx, flushTimeout)
	defer cancel()
	err := b.r.rt.store.Apply(ctx, b.r.p.Name(), b.last, func(stx application.ReadModelTx) error {
		tx := newOverlay(stx)
		for i := range b.items {
			it := &b.items[i]
			if it.err != nil {
				return fmt.Errorf("position %d: %w", it.env.Position, it.err)
			}
			if err := b.r.p.Apply(ctx, tx, it.env, it.ev); err != nil {
				return fmt.Errorf("position %d (%s): %w", it.env.Position, it.env.Type, err)
			}
		}
		return tx.flush(ctx)
	})
	if err != nil {
		return err
	}
	last := b.last
	b.r.set(func(s *Status) { s.Checkpoint = last })
	clear(b.items) // drop the references to the applied events
	b.items, b.size = b.items[:0], 0
	return nil
}

// markLive flips the state to Live once the checkpoint reaches the head.
func (r *runner) markLive(ctx context.Context) error {
	head, err := r.rt.events.Head(ctx)
	if err != nil {
		return err
	}
	r.set(func(s *Status) {
		if s.Checkpoint >= head {
			s.State = Live
		}
	})
	return nil
}
