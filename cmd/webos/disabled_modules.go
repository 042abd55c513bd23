package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/settings"
)

// settingsFollowEvery is how often serve reads the settings changes other
// servers sharing the event store made (settings.Service.Follow).
const settingsFollowEvery = 500 * time.Millisecond

// followSettings follows the settings changes of the other servers
// sharing the event store from position head until ctx ends, and closes
// the returned channel then. exclusive says no other server writes to
// this event store (SQLite, whose data dir is locked): then there is
// nothing to follow, and reading the feed would only cost.
func (e *engine) followSettings(ctx context.Context, head uint64, exclusive bool, log *slog.Logger) <-chan struct{} {
	if exclusive {
		done := make(chan struct{})
		close(done)
		return done
	}
	return e.settings.Follow(ctx, e.events, head, settingsFollowEvery, log)
}

// disabledModulesField is the core system setting naming the modules an
// operator turned off.
const disabledModulesField = "disabledModules"

// enforceDisabledModules makes the core setting disabledModules take
// effect now and at every change, through this server or (with
// settings.Service.Follow) another one sharing the event store. A tenant's list
// turns the modules off for that tenant: their commands and views answer
// 404 like unknown ones to its principals, and commands sent by Go code
// acting in it (sagas, jobs) are refused (application.CodeModuleDisabled).
// The default tenant's list (the engine's own) turns them off in every
// tenant, shows them "disabled" in /api/modules and pauses their
// projections, to resume from their checkpoints when they are enabled
// again. A change naming a module that is not loaded, or a core one, is
// refused with a 400. Call it before the projections start.
func (e *engine) enforceDisabledModules(ctx context.Context) error {
	e.settings.Check(settings.CoreModule, func(values map[string]any) []domain.FieldError {
		var out []domain.FieldError
		for i, name := range disabledIn(values) {
			if err := e.app.CanDisable(name); err != nil {
				out = append(out, domain.FieldError{Pointer: "/" + disabledModulesField + "/" + strconv.Itoa(i), Detail: err.Error()})
			}
		}
		return out
	})
	e.settings.Watch(settings.CoreModule, func(d settings.Document) {
		e.disableModules(d.Owner, disabledIn(d.Values))
	})
	e.app.LoadDisabledWith(func(ctx context.Context, tenant string) ([]string, error) {
		values, err := e.settings.SystemValues(ctx, settings.CoreModule, tenant)
		return disabledIn(values), err
	})
	values, err := e.settings.SystemValues(ctx, settings.CoreModule, settings.DefaultTenant)
	if err != nil {
		return fmt.Errorf("read the disabled modules: %w", err)
	}
	e.disableModules(settings.DefaultTenant, disabledIn(values))
	return nil
}

// disabledIn is the disabledModules list of the core system settings.
func disabledIn(values map[string]any) []string {
	list, _ := values[disabledModulesField].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// disableModules turns off exactly the named modules in tenant; for the
// default tenant, it also pauses exactly their projections.
func (e *engine) disableModules(tenant string, names []string) {
	e.app.SetDisabled(tenant, names)
	if tenant != settings.DefaultTenant {
		return
	}
	var paused []string
	for _, m := range e.app.Modules() {
		if e.app.Disabled(m.Name) {
			paused = append(paused, m.Projections...)
		}
	}
	e.projections.SetPaused(paused)
}
