package application

import (
	"fmt"
	"slices"
	"strings"
)

// StatusDisabled is the status of a module an operator turned off: its
// commands and views answer as unknown ones and its projections pause.
const StatusDisabled = "disabled"

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

// SetDisabled turns off exactly the named modules (the others on): their
// commands and views answer Dispatch and View as unknown ones (404), and
// Modules reports them StatusDisabled. Names CanDisable refuses are
// ignored.
func (a *App) SetDisabled(names []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.disabled = map[string]bool{}
	for _, n := range names {
		for _, m := range a.modules {
			if m.Name == n && !m.Core {
				a.disabled[n] = true
			}
		}
	}
}

// Disabled reports whether the module called name is turned off.
func (a *App) Disabled(name string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.disabled[name]
}

// offLocked reports whether the command or view called name ("{module}.
// {name}") belongs to a disabled module; a.mu is held.
func (a *App) offLocked(name string) bool {
	module, _, _ := strings.Cut(name, ".")
	return a.disabled[module]
}

// withDisabled is mods with the disabled ones' status set; a.mu is held.
func (a *App) withDisabled(mods []ModuleStatus) []ModuleStatus {
	out := slices.Clone(mods)
	for i := range out {
		if a.disabled[out[i].Name] && out[i].Status == StatusRunning {
			out[i].Status = StatusDisabled
		}
	}
	return out
}
