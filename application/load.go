package application

import (
	"errors"
	"fmt"
)

// Module states reported by ModuleStatus.
const (
	StatusRunning = "running"
	StatusFailed  = "failed"
)

// ModuleFailed is all a failed module's status shows callers of why: the
// cause may name Go types, files or a driver's text, so it goes to the
// log when the module fails, and to Go callers in ModuleStatus.Error.
const ModuleFailed = "the module failed to start; the cause is in the server log"

// ModuleStatus reports one module: its manifest, whether it runs, why not,
// and what it registered.
type ModuleStatus struct {
	Manifest
	Status string `json:"status"`
	// Error is why the module failed, for the log and Go callers only.
	Error string `json:"-"`
	// Failure is what callers are shown of a failure: ModuleFailed.
	Failure     string   `json:"error,omitempty"`
	Commands    []string `json:"commands"`
	Views       []string `json:"views"`
	Projections []string `json:"projections"`
}

// Load registers modules in dependency order. A module fails when its
// Register fails or panics, when it clashes with what is registered, or
// when a dependency is missing or failed; a failure is logged and
// reported by Modules, and the other modules still load.
func (a *App) Load(modules ...Module) {
	running := map[string]bool{}
	pending := append([]Module(nil), modules...)
	for len(pending) > 0 {
		progressed := false
		rest := pending[:0]
		for _, m := range pending {
			if !depsSettled(m, running, modules) {
				rest = append(rest, m)
				continue
			}
			progressed = true
			running[m.Manifest().Name] = a.loadOne(m, running) == nil
		}
		pending = rest
		if !progressed { // a dependency cycle: fail what is left
			for _, m := range pending {
				a.record(ModuleStatus{Manifest: m.Manifest()}, errors.New("dependency cycle"))
			}
			return
		}
	}
}

// depsSettled reports whether every dependency of m was loaded (or failed)
// or is not among modules at all.
func depsSettled(m Module, done map[string]bool, modules []Module) bool {
	for _, d := range m.Manifest().Dependencies {
		if _, ok := done[d]; ok {
			continue
		}
		for _, o := range modules {
			if o.Manifest().Name == d {
				return false
			}
		}
	}
	return true
}

func (a *App) loadOne(m Module, running map[string]bool) (err error) {
	man := m.Manifest()
	st := ModuleStatus{Manifest: man}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("register panicked: %v", p)
		}
		a.record(st, err)
	}()
	for _, d := range man.Dependencies {
		if !running[d] {
			return fmt.Errorf("dependency %q is not running", d)
		}
	}
	r := &Registrar{app: a, manifest: man}
	if err := m.Register(r); err != nil {
		return err
	}
	if err := a.commit(r); err != nil {
		return err
	}
	for _, c := range r.commands {
		st.Commands = append(st.Commands, c.info.Name)
	}
	for _, v := range r.views {
		st.Views = append(st.Views, v.Name)
	}
	for _, p := range r.projections {
		st.Projections = append(st.Projections, p.Name())
	}
	return nil
}

func (a *App) record(st ModuleStatus, err error) {
	// Empty lists, not null, in the JSON of /api/modules.
	for _, l := range []*[]string{&st.Dependencies, &st.Commands, &st.Views, &st.Projections} {
		if *l == nil {
			*l = []string{}
		}
	}
	if st.Permissions == nil {
		st.Permissions = []Permission{}
	}
	st.Status = StatusRunning
	if err != nil {
		st.Status, st.Error, st.Failure = StatusFailed, err.Error(), ModuleFailed
		a.deps.Logger.Error("module failed to start", "module", st.Name, "error", err)
	} else {
		a.deps.Logger.Info("module started", "module", st.Name, "version", st.Version)
	}
	a.mu.Lock()
	a.modules = append(a.modules, st)
	a.mu.Unlock()
}
