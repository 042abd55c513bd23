package application

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/webos-engine/webos/domain"
)

// panicked is a panic raised while running a command, carried as its
// outcome: the stream's leader runs other callers' commands, and a panic
// must neither fail them nor leave the stream locked, but still reach the
// caller whose command raised it, on that caller's goroutine.
type panicked struct{ value any }

func (p *panicked) Error() string { return fmt.Sprintf("command panicked: %v", p.value) }

// isPanic reports whether err is a panic carried as an error.
func isPanic(err error) bool {
	var p *panicked
	return errors.As(err, &p)
}

// guarded returns decide with its panics turned into a *panicked error.
// The aggregate it panicked on may be half-applied (Apply panicked, or
// events were raised): callers drop it as they drop a half-way decision.
func (r *Repository) guarded(ctx context.Context, decide func(domain.Aggregate) error) func(domain.Aggregate) error {
	return func(a domain.Aggregate) (err error) {
		defer func() {
			if p := recover(); p != nil {
				r.opts.Logger.ErrorContext(ctx, "command panicked", "stream", a.Root().ID(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = &panicked{value: p}
			}
		}()
		return decide(a)
	}
}

// outcome returns q's result, panicking again on the caller's goroutine
// when running q panicked.
func (q *queuedCommand) outcome() (Result, error) {
	var p *panicked
	if errors.As(q.err, &p) {
		panic(p.value)
	}
	return q.res, q.err
}

// finished reports whether q has its outcome.
func (q *queuedCommand) finished() bool {
	select {
	case <-q.done:
		return true
	default:
		return false
	}
}

// handOff ends a lead over batch, deferred: a panic outside any decision
// (an Apply while replaying, a snapshot) drops the live aggregate and
// fails the commands not answered yet; then the stream is unlocked and
// the lead passes to the first command queued meanwhile.
func (r *Repository) handOff(e *streamEntry, batch []*queuedCommand) {
	if p := recover(); p != nil {
		e.live = nil
		r.opts.Logger.Error("command batch panicked", "stream", e.id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		for _, q := range batch {
			if !q.finished() {
				q.finish(Result{}, &panicked{value: p})
			}
		}
	}
	e.mu.Unlock()
	e.qmu.Lock()
	if len(e.queue) > 0 {
		close(e.queue[0].promoted)
	} else {
		e.leading = false
	}
	e.qmu.Unlock()
}
