package application

import (
	"fmt"
	"reflect"
)

// ProcessManager is a saga definition a module registers with
// Registrar.ProcessManager. The sagas package builds them (see
// sagas.Register) and its runtime runs them; the kernel only keeps them,
// under the same all-or-nothing rule as the module's other registrations.
type ProcessManager interface {
	// ProcessManagerName is "{module}.{name}", unique among the running
	// modules.
	ProcessManagerName() string
}

// ProcessManager adds a saga definition; its name must start with
// "{module}.".
func (r *Registrar) ProcessManager(pm ProcessManager) {
	r.processManagers = append(r.processManagers, pm)
}

// ProcessManagers lists the registered process managers in registration
// order.
func (a *App) ProcessManagers() []ProcessManager {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return append([]ProcessManager(nil), a.processManagers...)
}

// CommandOf returns the registered command whose Go type is cmd's: what
// a process manager records before it sends cmd.
func (a *App) CommandOf(cmd any) (CommandInfo, error) {
	if cmd == nil {
		return CommandInfo{}, fmt.Errorf("send: a nil command")
	}
	entry, err := a.commandTaking(reflect.TypeOf(cmd))
	if err != nil {
		return CommandInfo{}, err
	}
	return entry.info, nil
}
