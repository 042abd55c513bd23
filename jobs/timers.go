package jobs

import (
	"context"
	"strings"
	"sync"
	"time"
)

// timers holds when to look at a job (a retry falls due, a running
// attempt's deadline passes) or a schedule (its next tick) again. It is
// only a cache of the streams: Recover and Arm fill it at start.
type timers struct {
	mu   sync.Mutex
	at   map[string]time.Time
	wake chan struct{}
}

func newTimers() *timers { return &timers{at: map[string]time.Time{}, wake: make(chan struct{}, 1)} }

// set makes stream due at at, replacing an earlier time.
func (t *timers) set(stream string, at time.Time) {
	t.mu.Lock()
	t.at[stream] = at
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// due takes out the streams due at now.
func (t *timers) due(now time.Time) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for s, at := range t.at {
		if !at.After(now) {
			out = append(out, s)
			delete(t.at, s)
		}
	}
	return out
}

// next is the earliest time set, if any.
func (t *timers) next() (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var first time.Time
	for _, at := range t.at {
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	return first, !first.IsZero()
}

// FireDue looks at every job and schedule due at now: a retry that fell
// due is published, an interrupted attempt retried, a schedule's tick
// enqueues its job. Firing again changes nothing.
func (rt *Runtime) FireDue(ctx context.Context, now time.Time) error {
	var firstErr error
	for _, stream := range rt.timers.due(now) {
		var err error
		if strings.HasPrefix(stream, SchedulePrefix) {
			err = rt.tick(ctx, stream, now)
		} else {
			err = rt.check(ctx, stream, now)
		}
		if err != nil {
			rt.timers.set(stream, now.Add(time.Second))
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// Run arms the schedules, then fires what falls due by the clock until
// ctx ends.
func (rt *Runtime) Run(ctx context.Context) {
	const idle = time.Hour
	for ctx.Err() == nil {
		err := rt.Arm(ctx)
		if err == nil {
			break
		}
		rt.opts.Logger.ErrorContext(ctx, "job schedules not armed; trying again", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		wait := idle
		if at, ok := rt.timers.next(); ok {
			wait = max(at.Sub(rt.opts.Clock()), 0)
		}
		t.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-rt.timers.wake:
			continue
		case <-t.C:
		}
		if err := rt.FireDue(ctx, rt.opts.Clock()); err != nil && ctx.Err() == nil {
			rt.opts.Logger.ErrorContext(ctx, "job timer failed; trying again", "error", err)
		}
	}
}
