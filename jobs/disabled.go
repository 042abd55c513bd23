package jobs

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// heldEvery is how often a job whose module is disabled in its tenant is
// looked at again: its next attempt waits, queued, until the module is
// enabled.
const heldEvery = 10 * time.Second

// moduleOf is the module of the job type called typ ("{module}.{name}").
func moduleOf(typ string) string {
	module, _, _ := strings.Cut(typ, ".")
	return module
}

// refuseOff is the CodeModuleDisabled error of a job of type typ in the
// tenant ctx works in while typ's module is disabled there, nil while it
// is enabled.
func (rt *Runtime) refuseOff(ctx context.Context, typ string) error {
	tenant := application.TenantOf(ctx)
	off, err := rt.app.DisabledIn(ctx, tenant, moduleOf(typ))
	if err != nil || !off {
		return err
	}
	return application.ModuleDisabledError(moduleOf(typ), tenant)
}

// unknownType is the answer to a principal's jobs.Enqueue of a type that
// does not exist, or whose module is disabled in its tenant: it learns no
// more about one than about the other.
func unknownType() error {
	return domain.Invalid("there is no such job type", domain.FieldError{Pointer: "/type", Detail: "is not a registered job type"})
}

// held reports whether j's next attempt must wait because its module is
// disabled in j's tenant. The job then stays queued (or retrying) and its
// timer looks at it again in heldEvery; after a restart Recover publishes
// it again. So it is not lost, and it starts once the module is enabled.
// The first time a job is held is logged.
func (rt *Runtime) held(ctx context.Context, j *job) (bool, error) {
	off, err := rt.app.DisabledIn(ctx, j.tenant, moduleOf(j.typ))
	rt.mu.Lock()
	first := off && !rt.waiting[j.ID()]
	if off {
		rt.waiting[j.ID()] = true
	} else {
		delete(rt.waiting, j.ID())
	}
	rt.mu.Unlock()
	if err != nil || !off {
		return false, err
	}
	rt.timers.set(j.ID(), rt.opts.Clock().Add(heldEvery))
	if first {
		rt.opts.Logger.InfoContext(ctx, "job held: its module is disabled in its tenant", "job", j.ID(), "module", moduleOf(j.typ), "tenant", j.tenant)
	}
	return true, nil
}

// ownRefusal reports whether err, what an attempt of j returned, is the
// refusal of j's own module because it is disabled in j's tenant: the
// module was switched off while the attempt ran. The job is then held
// (AttemptHeld), not failed, as if the attempt had not started yet. A
// refusal of another module is not one: it fails the job (isPermanent).
func ownRefusal(err error, j *job) bool {
	var off *application.ModuleOff
	return errors.As(err, &off) && off.Module == moduleOf(j.typ) && off.Tenant == application.NormalTenant(j.tenant)
}

// unhold forgets that job id was held, once it has ended (a job
// cancelled while held never starts again).
func (rt *Runtime) unhold(id string) {
	rt.mu.Lock()
	delete(rt.waiting, id)
	rt.mu.Unlock()
}
