package sagas

import (
	"context"
	"strings"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// A process manager of a module disabled in a tenant (the core setting
// disabledModules) neither starts nor advances that tenant's instances.
// The feed cannot stop for it, as every other tenant and process manager
// reads the same feed, so Follow holds that tenant's events back for the
// process manager alone and hands them on, in order, once the module is
// enabled again: nothing is skipped, and nothing is applied twice (an
// event handled again changes nothing).
//
// Where the held events start is kept, per process manager, under the
// checkpoint heldConsumer(definition): saved before the feed's own
// checkpoint can pass the first held event, cleared once every tenant's
// held events went on. After a restart the feed hands the process manager
// the events from there again first, holding those of tenants still
// disabled and handing on the others (again: they change nothing).

// releaseEvery is how often Follow asks whether a module whose events it
// holds was enabled again, when no event of it arrives to ask sooner.
const releaseEvery = time.Second

// heldPage is how many events of the feed a release reads at a time.
const heldPage = 256

// heldConsumer names the checkpoint where the held events of definition
// start.
func heldConsumer(definition string) string { return FeedConsumer + ".held." + definition }

// moduleOf is the module whose definition ("{module}.{Name}") it is.
func moduleOf(definition string) string {
	module, _, _ := strings.Cut(definition, ".")
	return module
}

// hold is what Follow holds back of one process manager: the events
// after position of the tenants named.
type hold struct {
	after uint64
	// tenants is nil while not known: after a restart, until the first
	// release has read the held events again.
	tenants map[string]bool
}

// holds are the held events of one Follow, by definition.
type holds struct {
	rt      *Runtime
	cps     application.CheckpointStore
	storeID string
	by      map[string]*hold
}

// loadHolds reads the held events' starts a previous Follow saved, and
// hands on those that may go on now, up to the feed's checkpoint at.
func (rt *Runtime) loadHolds(ctx context.Context, cps application.CheckpointStore, at application.Checkpoint) (*holds, error) {
	h := &holds{rt: rt, cps: cps, storeID: at.StoreID, by: map[string]*hold{}}
	for def := range rt.procs {
		cp, err := cps.LoadCheckpoint(ctx, heldConsumer(def))
		switch {
		case err != nil:
			return nil, err
		case cp.StoreID == "":
			continue
		case cp.StoreID != at.StoreID:
			rt.opts.Logger.WarnContext(ctx, "held saga events of another event store dropped", "saga", def, "store", cp.StoreID)
			if err := h.save(ctx, def, application.Checkpoint{}); err != nil {
				return nil, err
			}
			continue
		}
		h.by[def] = &hold{after: cp.Position}
	}
	if err := h.release(ctx, at.Position); err != nil {
		return nil, err
	}
	return h, nil
}

// wait reports whether p's instance must wait for env: env's tenant has
// held events of p already, or p's module is disabled in it (then env is
// the first, and where the held events start is saved first). A tenant
// whose module was enabled again gets its held events first.
func (h *holds) wait(ctx context.Context, p *Process, env *domain.Envelope) (bool, error) {
	def, tenant := p.ProcessManagerName(), application.NormalTenant(env.Tenant)
	off, err := h.rt.app.DisabledIn(ctx, tenant, moduleOf(def))
	if err != nil {
		return false, err
	}
	held := h.by[def]
	switch {
	case !off && held != nil && held.tenants[tenant]:
		return false, h.releaseOne(ctx, def, env.Position-1)
	case !off:
		return false, nil
	case held == nil:
		held = &hold{after: env.Position - 1, tenants: map[string]bool{}}
		if err := h.save(ctx, def, application.Checkpoint{StoreID: h.storeID, Position: held.after}); err != nil {
			return false, err
		}
		h.by[def] = held
	}
	if !held.tenants[tenant] {
		held.tenants[tenant] = true
		h.rt.opts.Logger.InfoContext(ctx, "saga events held: the module is disabled in the tenant", "saga", def, "tenant", tenant, "from", env.Position)
	}
	return true, nil
}

// release hands on the held events of every process manager whose module
// was enabled again in some tenant, up to position to.
func (h *holds) release(ctx context.Context, to uint64) error {
	for def := range h.by {
		if err := h.releaseOne(ctx, def, to); err != nil {
			return err
		}
	}
	return nil
}

// releaseOne hands def's held events up to position to on, in feed order,
// for the tenants where its module is enabled now, and keeps holding the
// others'.
func (h *holds) releaseOne(ctx context.Context, def string, to uint64) error {
	held := h.by[def]
	if held == nil {
		return nil
	}
	// Each tenant's state is taken once per release: a tenant enabled
	// meanwhile would otherwise have its later events handed on before
	// its earlier ones, held as it was still disabled when they were read.
	offNow := map[string]bool{}
	offIn := func(ctx context.Context, tenant string) (bool, error) {
		if off, ok := offNow[tenant]; ok {
			return off, nil
		}
		off, err := h.rt.app.DisabledIn(ctx, tenant, moduleOf(def))
		if err == nil {
			offNow[tenant] = off
		}
		return off, err
	}
	ready := false
	for tenant := range held.tenants {
		off, err := offIn(ctx, tenant)
		if err != nil {
			return err
		}
		ready = ready || !off
	}
	if held.tenants != nil && !ready {
		return nil
	}
	p, still, first := h.rt.procs[def], map[string]bool{}, uint64(0)
	only := func(ctx context.Context, q *Process, env *domain.Envelope) (bool, error) {
		if q != p {
			return true, nil
		}
		tenant := application.NormalTenant(env.Tenant)
		if held.tenants != nil && !held.tenants[tenant] {
			return true, nil // handed on when it arrived
		}
		off, err := offIn(ctx, tenant)
		if off && first == 0 {
			first = env.Position
		}
		still[tenant] = still[tenant] || off
		return off, err
	}
	// to need not be an event's position (positions may have gaps): the
	// first event past it ends the release.
	for after := held.after; after < to; {
		page, err := h.rt.events.ReadAll(ctx, after, heldPage)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, env := range page {
			after = min(env.Position, to)
			if env.Position > to {
				break
			}
			if err := h.rt.handleEvent(ctx, env, only); err != nil {
				return err
			}
		}
	}
	return h.keep(ctx, def, still, first, to)
}

// keep records what is still held of def after a release: the tenants
// still disabled, whose first held event is at first (0: none).
func (h *holds) keep(ctx context.Context, def string, still map[string]bool, first, to uint64) error {
	tenants := map[string]bool{}
	for t, off := range still {
		if off {
			tenants[t] = true
		}
	}
	if len(tenants) == 0 {
		delete(h.by, def)
		h.rt.opts.Logger.InfoContext(ctx, "held saga events handed on", "saga", def, "to", to)
		return h.save(ctx, def, application.Checkpoint{})
	}
	held := &hold{after: to, tenants: tenants}
	if first > 0 {
		held.after = first - 1
	}
	h.by[def] = held
	return h.save(ctx, def, application.Checkpoint{StoreID: h.storeID, Position: held.after})
}

// save keeps where def's held events start; the zero Checkpoint says
// none are.
func (h *holds) save(ctx context.Context, def string, cp application.Checkpoint) error {
	return h.cps.SaveCheckpoint(context.WithoutCancel(ctx), heldConsumer(def), cp)
}
