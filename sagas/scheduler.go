package sagas

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// scheduler holds the pending timers of the instances in memory, earliest
// first. It is only a cache of the streams: Recover fills it at start from
// the instances' recorded TimerScheduled events, so a timer survives any
// restart, and one that fell due while the process was down fires at once.
type scheduler struct {
	mu    sync.Mutex
	queue timerQueue
	index map[timerKey]*timerEntry
	wake  chan struct{}
}

type timerKey struct{ stream, name string }

type timerEntry struct {
	timerKey
	at  time.Time
	pos int
}

// dueTimer is a timer that fell due.
type dueTimer struct {
	stream, name string
	at           time.Time
}

func newScheduler() *scheduler {
	return &scheduler{index: map[timerKey]*timerEntry{}, wake: make(chan struct{}, 1)}
}

// add sets stream's timer name to fire at at, replacing its earlier time.
func (s *scheduler) add(stream, name string, at time.Time) {
	s.mu.Lock()
	k := timerKey{stream, name}
	if e, ok := s.index[k]; ok {
		e.at = at
		heap.Fix(&s.queue, e.pos)
	} else {
		e := &timerEntry{timerKey: k, at: at}
		s.index[k] = e
		heap.Push(&s.queue, e)
	}
	s.mu.Unlock()
	s.poke()
}

// remove drops stream's timer name.
func (s *scheduler) remove(stream, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.index[timerKey{stream, name}]; ok {
		heap.Remove(&s.queue, e.pos)
		delete(s.index, e.timerKey)
	}
}

func (s *scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// due takes out every timer due at now, earliest first.
func (s *scheduler) due(now time.Time) []dueTimer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []dueTimer
	for len(s.queue) > 0 && !s.queue[0].at.After(now) {
		e := heap.Pop(&s.queue).(*timerEntry)
		delete(s.index, e.timerKey)
		out = append(out, dueTimer{stream: e.stream, name: e.name, at: e.at})
	}
	return out
}

// next returns the earliest pending time, if any.
func (s *scheduler) next() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) == 0 {
		return time.Time{}, false
	}
	return s.queue[0].at, true
}

// NextTimer returns when the earliest pending timer falls due, if any.
func (rt *Runtime) NextTimer() (time.Time, bool) { return rt.timers.next() }

// RunTimers fires timers when they fall due by the wall clock, until ctx
// ends. A failed firing is tried again a second later.
func (rt *Runtime) RunTimers(ctx context.Context) {
	const idle, again = time.Hour, time.Second
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		wait := idle
		if at, ok := rt.timers.next(); ok {
			wait = max(at.Sub(rt.opts.Clock()), 0)
		}
		if rt.hasParked() {
			wait = min(wait, releaseEvery)
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
			rt.opts.Logger.ErrorContext(ctx, "saga timer not fired; trying again", "error", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(again):
			}
		}
	}
}

// timerQueue is a min-heap of timers by time.
type timerQueue []*timerEntry

func (q timerQueue) Len() int           { return len(q) }
func (q timerQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q timerQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].pos, q[j].pos = i, j
}
func (q *timerQueue) Push(x any) {
	e := x.(*timerEntry)
	e.pos = len(*q)
	*q = append(*q, e)
}
func (q *timerQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}
