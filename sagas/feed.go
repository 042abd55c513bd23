package sagas

import (
	"context"
	"errors"
	"time"

	"github.com/webos-engine/webos/application"
)

// FeedConsumer is the name the runtime's checkpoint is kept under.
const FeedConsumer = "sagas.runtime"

// The checkpoint is saved at most every saveAfter, and after saveEvery
// events at the latest: saving it after every event would cost a write
// per event, and an event handled again after a crash changes nothing.
const (
	saveAfter = 200 * time.Millisecond
	saveEvery = 1000
)

// Follow hands the event store's global feed to HandleEvent, in order,
// from the checkpoint on, until ctx ends. The checkpoint advances only
// after an event was handled, so an event is never skipped; one handled
// before a crash and delivered again changes nothing. A failure is
// retried, with backoff, from the checkpoint. The events of a tenant
// whose process manager's module is disabled there are held for that
// process manager until the module is enabled again (hold.go).
func (rt *Runtime) Follow(ctx context.Context, cps application.CheckpointStore) {
	wait := rt.opts.RetryBackoff
	for ctx.Err() == nil {
		err := rt.follow(ctx, cps)
		if ctx.Err() != nil {
			return
		}
		rt.opts.Logger.ErrorContext(ctx, "saga feed failed; retrying", "error", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(wait*2, rt.opts.MaxBackoff)
	}
}

func (rt *Runtime) follow(ctx context.Context, cps application.CheckpointStore) (err error) {
	cp, err := rt.resume(ctx, cps)
	if err != nil {
		return err
	}
	held, err := rt.loadHolds(ctx, cps, cp)
	if err != nil {
		return err
	}
	sub := rt.events.Subscribe(ctx, cp.Position)
	unsaved := 0
	save := func() error {
		if unsaved == 0 {
			return nil
		}
		unsaved = 0
		return cps.SaveCheckpoint(context.WithoutCancel(ctx), FeedConsumer, cp)
	}
	defer func() { err = errors.Join(err, save()) }()
	timer := time.NewTimer(saveAfter)
	timer.Stop()
	defer timer.Stop()
	release := time.NewTicker(releaseEvery)
	defer release.Stop()
	wait := held.wait
	for {
		select {
		case env, ok := <-sub.Events():
			if !ok {
				return sub.Err()
			}
			if err := rt.handleEvent(ctx, env, wait); err != nil {
				return err
			}
			cp = application.Checkpoint{StoreID: cp.StoreID, Position: env.Position, Hash: env.Hash}
			unsaved++
			if unsaved == 1 {
				timer.Reset(saveAfter)
			}
			if unsaved >= saveEvery {
				if err := save(); err != nil {
					return err
				}
			}
		case <-timer.C:
			if err := save(); err != nil {
				return err
			}
		case <-release.C:
			if err := held.release(ctx, cp.Position); err != nil {
				return err
			}
		}
	}
}

// resume returns the checkpoint to follow from. One that no longer
// matches the event store (another store, a restored backup) is not
// replayed from the start, which would run old processes again: the
// runtime warns and follows from the head.
func (rt *Runtime) resume(ctx context.Context, cps application.CheckpointStore) (application.Checkpoint, error) {
	cp, err := cps.LoadCheckpoint(ctx, FeedConsumer)
	if err != nil {
		return cp, err
	}
	id, err := rt.events.StoreID(ctx)
	if err != nil {
		return cp, err
	}
	why, err := application.Diverged(ctx, rt.events, cp)
	if err != nil || why == "" {
		cp.StoreID = id
		return cp, err
	}
	head, err := rt.events.Head(ctx)
	if err != nil {
		return cp, err
	}
	rt.opts.Logger.WarnContext(ctx, "the saga feed checkpoint does not match the event store; following from its head", "reason", why, "head", head)
	at, err := rt.events.ReadAll(ctx, head-1, 1)
	if err != nil || len(at) == 0 {
		return application.Checkpoint{StoreID: id}, err
	}
	return application.Checkpoint{StoreID: id, Position: head, Hash: at[0].Hash}, nil
}
