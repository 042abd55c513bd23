package projections

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webos-engine/webos/application"
)

// flushTimeout bounds the final flush at shutdown, which runs after the
// run context has ended.
const flushTimeout = 10 * time.Second

// runner drives one projection, at the version it declares.
type runner struct {
	rt  *Runtime
	p   *application.Projection
	dep deployment // the version it runs

	mu     sync.Mutex
	status Status
	// old is the version serving the views while the runner builds its
	// own in the background, with the checkpoint it stopped at; Version
	// 0 when the runner's version serves.
	old   deployment
	oldAt uint64
	// prev runs the old version meanwhile, when the projection kept its
	// code (application.Projection.Replaces); stopPrev stops it and
	// returns once it has.
	prev     *runner
	stopPrev func()
	// moved, when someone waits (progress), is closed at the next change
	// of status.
	moved chan struct{}

	// flushes counts committed batches; run compares it across attempts to
	// tell whether the last one made progress. applied counts the events
	// they held, which Rebuild reports.
	flushes, applied uint64

	// done is closed when the goroutine Runtime.launch started for it
	// ends.
	done <-chan struct{}
	// paused mirrors Runtime.pause.paused, for CatchUp.
	paused atomic.Bool
}

func (r *runner) snapshot() Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

func (r *runner) set(fn func(*Status)) {
	r.mu.Lock()
	fn(&r.status)
	if r.moved != nil {
		close(r.moved)
		r.moved = nil
	}
	r.mu.Unlock()
}

// progress returns the checkpoint of the version serving the views and
// a channel closed when the status changes next (that of prev while it
// serves: promote wakes its waiters once it no longer does).
func (r *runner) progress() (uint64, <-chan struct{}) {
	r.mu.Lock()
	if prev := r.prev; r.old.Version != 0 && prev != nil {
		r.mu.Unlock()
		return prev.progress()
	}
	defer r.mu.Unlock()
	if r.moved == nil {
		r.moved = make(chan struct{})
	}
	if r.old.Version != 0 {
		return r.oldAt, r.moved
	}
	return r.status.Checkpoint, r.moved
}

// serveOld records that old serves the views, stopped at checkpoint at,
// while the runner builds its own version; a zero old says the runner's
// version serves them.
func (r *runner) serveOld(old deployment, at uint64) {
	r.set(func(*Status) { r.old, r.oldAt = old, at })
}

// serving returns the version serving the views while r builds its own
// (zero when r's serves), its checkpoint, and the runner of its kept code
// if it runs.
func (r *runner) serving() (deployment, uint64, *runner) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.old, r.oldAt, r.prev
}

// building reports whether the runner builds a version that does not
// serve the views yet.
func (r *runner) building() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.old.Version != 0
}

// pause waits Options.RebuildPause after a batch of a version built in
// the background, or until ctx ends.
func (r *runner) pause(ctx context.Context) {
	if r.rt.opts.RebuildPause <= 0 || !r.building() {
		return
	}
	select {
	case <-ctx.Done():
	case <-time.After(r.rt.opts.RebuildPause):
	}
}

// key is the name of the checkpoint of the runner's version.
func (r *runner) key() string { return r.dep.key(r.p.Name()) }

// run follows the feed until ctx ends. After a failure it retries with
// jittered back-off, which restarts from the base after any progress;
// each attempt resumes from the stored checkpoint, so a failed batch is
// applied again from its start and never half. An event that fails
// Options.MaxAttempts times in a row stops the projection at it: retrying
// cannot help, and only this projection stalls.
func (r *runner) run(ctx context.Context) {
	defer r.set(func(s *Status) { s.State = Stopped })
	wait := newBackoff(r.rt.opts.MaxBackoff)
	var lastPos uint64
	attempts := 0
	for {
		before := r.flushes
		err := r.follow(ctx, 0)
		if ctx.Err() != nil {
			return
		}
		if r.flushes != before {
			wait.reset()
			attempts = 0
		}
		code, pos := classify(err)
		if pos == 0 || pos != lastPos {
			attempts = 0
		}
		lastPos, attempts = pos, attempts+1
		if pos > 1 && attempts == 1 {
			// The failed batch rolled back the events before pos too:
			// apply those now, so one bad event holds back nothing before
			// it. A failure here shows again in the next attempt.
			_ = r.catchUp(ctx, pos-1)
		}
		state, retryIn := Retrying, wait.next()
		if pos > 0 && attempts >= r.rt.opts.MaxAttempts {
			state = Failed
		}
		r.set(func(s *Status) {
			s.State, s.Position, s.Code, s.Message, s.Error = state, pos, code, messages[code], err.Error()
		})
		if state == Failed {
			r.rt.log.Error("projection stopped at an event it cannot apply; fix the code, or skip the event with "+
				"`webos projections skip NAME --position P` and restart", "projection", r.p.Name(),
				"position", pos, "code", code, "attempts", attempts, "error", err)
			<-ctx.Done()
			return
		}
		r.rt.log.Error("projection failed", "projection", r.p.Name(), "code", code, "position", pos,
			"error", err, "retry_in", retryIn)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryIn):
		}
	}
}

// catchUp applies the events at positions up to until, then returns.
func (r *runner) catchUp(ctx context.Context, until uint64) error {
	if until == 0 {
		return nil
	}
	return r.follow(ctx, until)
}

// follow applies events from the checkpoint on, in batches, until ctx
// ends or, when until > 0, every event at a position up to until has
// been applied: the event at until, or the first one after it, ends it.
func (r *runner) follow(ctx context.Context, until uint64) error {
	b, err := r.resume(ctx)
	if err != nil {
		return err
	}
	skips, err := r.rt.skips(ctx, r.p.Name())
	if err != nil {
		return err
	}
	cp := b.last.Position
	// A new attempt: the failure of the last one, if any, is no longer
	// the projection's state (run sets it again if this one fails).
	r.set(func(s *Status) {
		s.Checkpoint, s.State = cp, CatchingUp
		s.Position, s.Code, s.Message, s.Error = 0, "", "", ""
	})
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
	events := r.prefetch(stop, sub.Events(), skips)
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
			pos := it.env.Position
			if until > 0 && pos > until {
				// Past until, which need not be a position of an event
				// (positions may have gaps): everything up to it is in.
				return b.flush(ctx)
			}
			b.add(it)
			done := until > 0 && pos == until
			limit := r.rt.opts.BatchSize
			if pos < backlog {
				limit = r.rt.opts.CatchUpBatchSize
			}
			if b.size >= limit || done {
				if err := b.flush(ctx); err != nil {
					return err
				}
				r.pause(ctx)
			}
			if done {
				return nil
			}
		case <-timer.C:
			if b.last.Position >= backlog {
				if err := b.flush(ctx); err != nil {
					return err
				}
				// A version built in the background serves once it has
				// caught up with the feed as it was when this attempt began.
				if until == 0 && r.building() {
					if err := r.rt.promote(ctx, r); err != nil {
						return err
					}
				}
			}
			timer.Reset(r.rt.opts.FlushInterval)
		}
	}
}
