package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// StatusDisabled is the status of a module an operator turned off: its
// commands and views answer as unknown ones and its projections pause.
const StatusDisabled = "disabled"

// CodeModuleDisabled is the code of the error a command sent by Go code
// inside the engine (a saga, a job, Send) gets when its module is
// disabled in the tenant it is sent in. A principal's request gets the
// answer of an unknown command instead.
const CodeModuleDisabled = "module_disabled"

// IsModuleDisabled reports whether err is the refusal of a command whose
// module is disabled in its tenant; retrying it cannot help until an
// operator enables the module.
func IsModuleDisabled(err error) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Code == CodeModuleDisabled
}

// DisabledLoader reads the modules turned off in tenant (its setting),
// for a tenant whose list the App has not been told yet.
type DisabledLoader func(ctx context.Context, tenant string) ([]string, error)

// switches are the modules turned off, per tenant: the DefaultTenant's
// list is the platform's (every tenant's), another tenant's adds to it
// for that tenant. A tenant's list is read once with load and then kept
// until SetDisabled replaces it.
type switches struct {
	mu   sync.RWMutex
	off  map[string]map[string]bool
	load DisabledLoader
	// gen counts SetDisabled calls, so a list loaded while one ran is
	// not kept over the newer one.
	gen uint64
}

// CanDisable reports why the module called name cannot be turned off:
// it is not loaded, or it is one of the modules the engine itself runs
// on (Manifest.Core).
func (a *App) CanDisable(name string) error {
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, m := range a.modules {
		if m.Name != name {
			continue
		}
		if m.Core {
			return fmt.Errorf("%s is a core module and cannot be disabled", name)
		}
		return nil
	}
	return fmt.Errorf("there is no module %q", name)
}

// LoadDisabledWith makes the App read a tenant's disabled modules with
// load the first time one of its commands or views is reached, and
// forgets the lists it holds of tenants but the DefaultTenant, to read
// them again. Without a loader, a tenant that was never given a list
// (SetDisabled) has none.
func (a *App) LoadDisabledWith(load DisabledLoader) {
	a.off.mu.Lock()
	defer a.off.mu.Unlock()
	a.off.load = load
	for t := range a.off.off {
		if t != DefaultTenant {
			delete(a.off.off, t)
		}
	}
	a.off.gen++
}

// SetDisabled turns off exactly the named modules (the others on) in
// tenant: for its principals and for Go code acting in it, their
// commands and views answer Dispatch and View as unknown ones (404) and
// Send refuses them (CodeModuleDisabled). The DefaultTenant's list turns
// them off in every tenant, and Modules reports them StatusDisabled.
// Names CanDisable refuses are ignored.
func (a *App) SetDisabled(tenant string, names []string) {
	set := a.switchable(names)
	a.off.mu.Lock()
	defer a.off.mu.Unlock()
	if a.off.off == nil {
		a.off.off = map[string]map[string]bool{}
	}
	a.off.off[NormalTenant(tenant)] = set
	a.off.gen++
}

// switchable is the set of names CanDisable accepts.
func (a *App) switchable(names []string) map[string]bool {
	set := map[string]bool{}
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, n := range names {
		for _, m := range a.modules {
			if m.Name == n && !m.Core {
				set[n] = true
			}
		}
	}
	return set
}

// Disabled reports whether the module called name is turned off for the
// whole platform (in the DefaultTenant's list).
func (a *App) Disabled(name string) bool {
	a.off.mu.RLock()
	defer a.off.mu.RUnlock()
	return a.off.off[DefaultTenant][name]
}

// DisabledIn reports whether the module called name is turned off in
// tenant: in the platform's list or in the tenant's own. The tenant's is
// read with the LoadDisabledWith loader the first time, then kept.
func (a *App) DisabledIn(ctx context.Context, tenant, name string) (bool, error) {
	tenant = NormalTenant(tenant)
	a.off.mu.RLock()
	own, known := a.off.off[tenant]
	off, load, gen := a.off.off[DefaultTenant][name] || own[name], a.off.load, a.off.gen
	a.off.mu.RUnlock()
	if off || known || load == nil {
		return off, nil
	}
	names, err := load(ctx, tenant)
	if err != nil {
		return false, fmt.Errorf("read the modules disabled in tenant %s: %w", tenant, err)
	}
	set := a.switchable(names)
	a.off.mu.Lock()
	if a.off.gen == gen { // no newer list was set meanwhile
		if a.off.off == nil {
			a.off.off = map[string]map[string]bool{}
		}
		a.off.off[tenant] = set
	}
	a.off.mu.Unlock()
	return a.DisabledIn(ctx, tenant, name)
}

// refuseOff is the error for the command or view called name ("{module}.
// {name}") when its module is disabled in the tenant ctx works in: notFound
// for a principal's request, which must not learn more than for an
// unknown name; a CodeModuleDisabled error for Go code inside the engine,
// and always when notFound is nil (Send).
func (a *App) refuseOff(ctx context.Context, name string, notFound func() error) error {
	module, _, _ := strings.Cut(name, ".")
	tenant := TenantOf(ctx)
	off, err := a.DisabledIn(ctx, tenant, module)
	switch {
	case err != nil:
		return err
	case !off:
		return nil
	}
	if _, asked := PrincipalFrom(ctx); asked && notFound != nil {
		return notFound()
	}
	return ModuleDisabledError(module, tenant)
}

// ModuleDisabledError is the CodeModuleDisabled error of Go code that
// reached module while it is disabled in tenant: a *ModuleOff.
func ModuleDisabledError(module, tenant string) error {
	return &ModuleOff{Module: module, Tenant: tenant,
		err: domain.Errorf(domain.KindNotFound, CodeModuleDisabled, "module %s is disabled in tenant %s; enable it (the core setting disabledModules) and retry", module, tenant)}
}

// ModuleOff is the refusal ModuleDisabledError builds: the
// CodeModuleDisabled domain.Error it unwraps to, naming the module
// refused and the tenant it is disabled in, so that Go code can tell a
// refusal of its own module from another's (errors.As).
type ModuleOff struct {
	Module, Tenant string
	err            *domain.Error
}

// Error is the refusal's message.
func (e *ModuleOff) Error() string { return e.err.Error() }

// Unwrap is the refusal as a domain.Error (KindNotFound,
// CodeModuleDisabled).
func (e *ModuleOff) Unwrap() error { return e.err }

// ModulesIn is Modules as the tenant ctx works in sees them: the modules
// disabled in it (its own list or the platform's) are StatusDisabled and
// list no commands or views, which answer its principals as unknown ones
// (/api/modules and the home page show it so).
func (a *App) ModulesIn(ctx context.Context) ([]ModuleStatus, error) {
	mods := a.Modules()
	for i := range mods {
		if mods[i].Status != StatusRunning {
			continue
		}
		off, err := a.DisabledIn(ctx, TenantOf(ctx), mods[i].Name)
		if err != nil {
			return nil, err
		}
		if off {
			switchOff(&mods[i])
		}
	}
	return mods, nil
}

// withDisabled is mods with the platform-wide disabled ones' status set;
// a.mu is held.
func (a *App) withDisabled(mods []ModuleStatus) []ModuleStatus {
	out := slices.Clone(mods)
	for i := range out {
		if a.Disabled(out[i].Name) && out[i].Status == StatusRunning {
			switchOff(&out[i])
		}
	}
	return out
}

// switchOff shows m disabled: StatusDisabled, without the commands and
// views nobody can reach while it is (its projections stay listed: they
// are paused, not gone).
func switchOff(m *ModuleStatus) {
	m.Status, m.Commands, m.Views = StatusDisabled, []string{}, []string{}
}
