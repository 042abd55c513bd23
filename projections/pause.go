package projections

import (
	"context"
	"slices"
)

// Paused is the state of a projection not following the feed because
// its module is disabled. Its checkpoint stays where it stopped, and it resumes from there when the
// module is enabled again.
const Paused State = "paused"

// pauser is the part of the runtime that pauses and resumes runners
// after Start.
type pauser struct {
	// ctx is Start's context; nil before Start.
	ctx     context.Context
	paused  map[*runner]bool
	cancels map[*runner]context.CancelFunc
}

// launch runs r until ctx or a pause ends it; rt.mu is held.
func (rt *Runtime) launch(r *runner) {
	ctx, cancel := context.WithCancel(rt.pause.ctx)
	rt.pause.cancels[r] = cancel
	done := make(chan struct{})
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		defer close(done)
		r.run(ctx)
	}()
	r.done = done
}

// SetPaused pauses the projections called names and resumes every other
// one that was paused, from its checkpoint. A pause lets the projection
// flush what it applied and waits until it has stopped. Before Start it
// only records which projections Start leaves paused.
func (rt *Runtime) SetPaused(names []string) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	stopping := map[*runner]<-chan struct{}{}
	for _, r := range rt.runners {
		pause := slices.Contains(names, r.p.Name())
		if pause == rt.pause.paused[r] {
			continue
		}
		rt.pause.paused[r] = pause
		r.paused.Store(pause)
		switch {
		case rt.pause.ctx == nil && pause:
			r.set(func(s *Status) { s.State = Paused })
		case rt.pause.ctx == nil:
			r.set(func(s *Status) { s.State = Stopped })
		case pause:
			rt.pause.cancels[r]()
			stopping[r] = r.done
		case rt.pause.ctx.Err() == nil:
			if r.done != nil {
				<-r.done // the goroutine a pause ended
			}
			rt.launch(r)
		}
	}
	rt.mu.Unlock()
	for _, done := range stopping {
		<-done
	}
	rt.mu.Lock()
	for r := range stopping {
		if rt.pause.paused[r] {
			r.set(func(s *Status) { s.State = Paused })
		}
	}
}
