package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/adapters/jobbus"
	"github.com/webos-engine/webos/jobs"
)

// jobSweepEvery is how often the active jobs are looked at again: tickets
// lost with a crash of the bus or of another process are published again,
// and attempts of a dead process taken over after their deadline.
const jobSweepEvery = time.Minute

// startJobs runs the background jobs of the modules: the ticket consumer
// on the bus (its own in-process GoChannel on the embedded default, the
// broker's topic with one consumer group otherwise), the retry and
// schedule timers, and the recovery of the jobs a crash or stop left
// active. exclusive says no other process runs jobs on this event store
// (SQLite, whose data dir is locked). The returned stop cancels the
// running attempts, which the next start retries, and waits for all of
// it; calling it again does nothing.
func startJobs(ctx context.Context, e *engine, exclusive bool, log *slog.Logger) (stop func(), err error) {
	var pub message.Publisher
	var sub message.Subscriber
	closeBus := func() error { return nil }
	if e.bus == nil || e.bus.backend.Name() == "gochannel" {
		ch := jobbus.NewGoChannel(log)
		pub, sub, closeBus = ch, ch, ch.Close
	} else {
		pub = e.bus.backend.Publisher()
		if sub, err = e.bus.backend.Subscriber(jobbus.Group); err != nil {
			return nil, err
		}
	}
	b, err := jobbus.New(jobbus.Topic, pub, sub, log)
	if err != nil {
		return nil, err
	}
	rt := jobs.NewRuntime(e.app, e.events, b, jobs.Options{Logger: log, NewID: newID, Exclusive: exclusive})
	e.jobs.Use(rt)
	e.app.UseJobs(rt)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	run := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	stop = sync.OnceFunc(func() {
		cancel()
		wg.Wait()
		rt.Stop()
		_ = closeBus() // stopping: nothing to report to
	})
	run(func() {
		if err := b.Run(ctx, rt.Handle); err != nil {
			log.Error("job ticket consumer stopped", "error", err)
		}
	})
	select {
	case <-b.Running():
	case <-ctx.Done():
		return stop, nil
	}
	// Arm the schedules before serving, so a first start records them
	// before any request; Run arms again (retrying) if this failed.
	if err := rt.Arm(ctx); err != nil {
		log.Error("job schedules not armed yet; trying again", "error", err)
	}
	run(func() { rt.Run(ctx) })
	run(func() { sweepJobs(ctx, e, rt, log) })
	return stop, nil
}

// sweepJobs recovers the active jobs once the view jobs.list shows every
// job stored before, at start and then every jobSweepEvery.
func sweepJobs(ctx context.Context, e *engine, rt *jobs.Runtime, log *slog.Logger) {
	for first := true; ctx.Err() == nil; first = false {
		err := func() error {
			head, err := e.events.Head(ctx)
			if err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, sagaRecoverTimeout)
			defer cancel()
			if err := e.projections.WaitFor(wctx, []string{jobs.ListCollection.Name}, head); err != nil {
				return err
			}
			n, err := rt.RecoverActive(ctx, e.projections.Views())
			if err == nil && first && n > 0 {
				log.Info("active jobs recovered", "jobs", n)
			}
			return err
		}()
		wait := jobSweepEvery
		if err != nil && ctx.Err() == nil {
			log.Error("active jobs not recovered yet; trying again", "error", err)
			wait = time.Second
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}
