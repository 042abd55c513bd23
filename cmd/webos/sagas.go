package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/webos-engine/webos/adapters/sagabus"
	"github.com/webos-engine/webos/sagas"
)

// sagaRecoverTimeout bounds one wait for the view sagas.instances to catch
// up before the active instances are recovered; the wait is tried again.
const sagaRecoverTimeout = time.Minute

// sagaHook is told of every boundary the saga runtime and its command bus
// pass. It is nil in the engine; test builds set it (crashhook.go).
var sagaHook sagas.Hook

// startSagas runs the process managers the modules registered: the
// Watermill command bus (an in-process GoChannel), the feed consumer, the
// timers, and the recovery of the instances a crash or stop left active.
// The returned wait blocks until all of it stopped after ctx ended.
func startSagas(ctx context.Context, e *engine, log *slog.Logger) (wait func(), err error) {
	ch := sagabus.NewGoChannel(log)
	bus, err := sagabus.New(ch, ch, e.app, log)
	if err != nil {
		return nil, err
	}
	bus.Observe(sagaHook)
	rt := sagas.NewRuntime(e.app, e.events, bus, sagas.Options{Logger: log, NewID: newID, Hook: sagaHook})
	e.sagas.Use(rt)
	var wg sync.WaitGroup
	run := func(fn func()) {
		wg.Add(1)
		go func() { defer wg.Done(); fn() }()
	}
	run(func() {
		if err := bus.Run(ctx, rt.HandleReply); err != nil {
			log.Error("saga command bus stopped", "error", err)
		}
		_ = ch.Close()
	})
	select {
	case <-bus.Running():
	case <-ctx.Done():
		return wg.Wait, nil
	}
	run(func() { rt.RunTimers(ctx) })
	run(func() { rt.Follow(ctx, e.checkpoints()) })
	run(func() { recoverSagas(ctx, e, rt, log) })
	return wg.Wait, nil
}

// recoverSagas waits for the view sagas.instances to show every instance
// stored before the start, then recovers the active ones: their timers
// are set and their unanswered commands sent again.
func recoverSagas(ctx context.Context, e *engine, rt *sagas.Runtime, log *slog.Logger) {
	for ctx.Err() == nil {
		err := func() error {
			head, err := e.events.Head(ctx)
			if err != nil {
				return err
			}
			wctx, cancel := context.WithTimeout(ctx, sagaRecoverTimeout)
			defer cancel()
			if err := e.projections.WaitFor(wctx, []string{sagas.InstancesCollection.Name}, head); err != nil {
				return err
			}
			n, err := rt.RecoverActive(ctx, e.projections.Views())
			if err == nil && n > 0 {
				log.Info("saga instances recovered", "active", n)
			}
			return err
		}()
		if err == nil || ctx.Err() != nil {
			return
		}
		log.Error("saga instances not recovered yet; trying again", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
