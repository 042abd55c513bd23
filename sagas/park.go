package sagas

import (
	"context"
	"sync"

	"github.com/webos-engine/webos/application"
)

// parked are the timers that fell due and the replies that arrived for
// instances whose module is disabled in their tenant: they wait in
// memory and are handled once the module is enabled again (FireDue looks
// at every wake-up, RunTimers at least every releaseEvery). A restart
// loses nothing: Recover sets the timers again (none was recorded fired)
// and sends again the commands whose replies waited, whose command ids
// make the modules answer without applying them twice. A reply that
// refused a command with module_disabled (one Recover sent while the
// module is disabled) is not the module's answer: the command is sent
// again once the module is enabled (sendAgain).
type parked struct {
	mu      sync.Mutex
	timers  []dueTimer
	replies []Reply
}

// instanceOff reports whether the module of the instance in stream is
// disabled in the instance's tenant.
func (rt *Runtime) instanceOff(ctx context.Context, stream string) (bool, error) {
	tenant, _ := application.SplitTenantKey(stream)
	return rt.app.DisabledIn(ctx, tenant, moduleOf(definitionOf(stream)))
}

// refuseOff is the error of an operator's action on an instance whose
// module is disabled in its tenant: it would advance the instance.
func (rt *Runtime) refuseOff(ctx context.Context, stream string) error {
	off, err := rt.instanceOff(ctx, stream)
	if err != nil || !off {
		return err
	}
	tenant, _ := application.SplitTenantKey(stream)
	return application.ModuleDisabledError(moduleOf(definitionOf(stream)), tenant)
}

// parkTimer keeps t until its module is enabled again.
func (rt *Runtime) parkTimer(ctx context.Context, t dueTimer) {
	rt.parked.mu.Lock()
	rt.parked.timers = append(rt.parked.timers, t)
	rt.parked.mu.Unlock()
	rt.opts.Logger.InfoContext(ctx, "saga timer held: the module is disabled in the instance's tenant", "instance", t.stream, "timer", t.name)
}

// parkReply keeps r until its module is enabled again.
func (rt *Runtime) parkReply(ctx context.Context, r Reply) {
	rt.parked.mu.Lock()
	rt.parked.replies = append(rt.parked.replies, r)
	rt.parked.mu.Unlock()
	rt.opts.Logger.InfoContext(ctx, "saga reply held: the module is disabled in the instance's tenant", "instance", r.Instance, "step", r.Step)
}

// hasParked reports whether anything waits for a module to be enabled.
func (rt *Runtime) hasParked() bool {
	rt.parked.mu.Lock()
	defer rt.parked.mu.Unlock()
	return len(rt.parked.timers)+len(rt.parked.replies) > 0
}

// unpark sets again the parked timers, and handles the parked replies, of
// the instances whose module was enabled again; the others stay parked.
func (rt *Runtime) unpark(ctx context.Context) error {
	rt.parked.mu.Lock()
	timers, replies := rt.parked.timers, rt.parked.replies
	rt.parked.timers, rt.parked.replies = nil, nil
	rt.parked.mu.Unlock()
	var err error
	for i, t := range timers {
		off, e := rt.instanceOff(ctx, t.stream)
		if e != nil || off {
			rt.keepParked(timers[i:i+1], nil)
			err = e
			continue
		}
		rt.timers.add(t.stream, t.name, t.at)
	}
	for i, r := range replies {
		off, e := rt.instanceOff(ctx, r.Instance)
		switch {
		case e != nil || off:
		case r.Code == application.CodeModuleDisabled:
			e = rt.sendAgain(ctx, r)
		default:
			e = rt.HandleReply(ctx, r)
		}
		if e != nil || off {
			rt.keepParked(nil, replies[i:i+1])
			err = e
		}
	}
	return err
}

// sendAgain sends again the command that r, a reply that waited for the
// instance's module, refused with module_disabled: the pipeline refused
// it while the module was disabled (sent by Recover, or on its way when
// the module was turned off), which is not the module's answer. While
// the instance still waits for it at r's attempt, it goes again, with its
// command id, now that the module is enabled; its reply is the answer.
func (rt *Runtime) sendAgain(ctx context.Context, r Reply) error {
	unlock := rt.locks.lock(r.Instance)
	inst := newInstance(r.Instance)
	err := rt.repo.Load(ctx, inst)
	unlock()
	if err != nil {
		return err
	}
	if s := inst.stepOf(r.Step, r.Compensation); s != nil && s.state == stepSent && s.attempt == r.Attempt {
		rt.dispatch(ctx, inst, s.sent)
	}
	return nil
}

// keepParked parks timers and replies again.
func (rt *Runtime) keepParked(timers []dueTimer, replies []Reply) {
	rt.parked.mu.Lock()
	defer rt.parked.mu.Unlock()
	rt.parked.timers = append(rt.parked.timers, timers...)
	rt.parked.replies = append(rt.parked.replies, replies...)
}
