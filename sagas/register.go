package sagas

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Process is a process manager as registered: the current definition,
// which starts new instances, and the older versions kept so that their
// running instances finish under the logic they started with.
type Process struct {
	current Logic
	older   map[int]Logic
}

// ProcessManagerName names the process manager (application.ProcessManager).
func (p *Process) ProcessManagerName() string { return p.current.Name() }

// Register adds a process manager to the module registering: current
// starts new instances; older are earlier versions of the same name whose
// running instances finish under their own logic. An instance whose
// version is neither registered nor migrated by current (MigrateFrom)
// fails with a reason saying so, for an operator to compensate. It fails
// on a mistake in the definitions; return its error from Module.Register.
func Register(r *application.Registrar, current Logic, older ...Logic) error {
	p, err := newProcess(current, older...)
	if err != nil {
		return err
	}
	r.ProcessManager(p)
	return nil
}

func newProcess(current Logic, older ...Logic) (*Process, error) {
	errs := []error{current.Err()}
	p := &Process{current: current, older: map[int]Logic{}}
	for _, o := range older {
		errs = append(errs, o.Err())
		switch {
		case o.Name() != current.Name():
			errs = append(errs, fmt.Errorf("saga %s: an older version named %s", current.Name(), o.Name()))
		case o.Version() >= current.Version():
			errs = append(errs, fmt.Errorf("saga %s: version %d is not older than the current %d", current.Name(), o.Version(), current.Version()))
		case p.older[o.Version()] != nil:
			errs = append(errs, fmt.Errorf("saga %s: version %d registered twice", current.Name(), o.Version()))
		}
		p.older[o.Version()] = o
	}
	return p, errors.Join(errs...)
}

// logicFor returns the logic an instance of version runs under, and the
// migration to apply first when current takes it over.
func (p *Process) logicFor(version int) (Logic, func(json.RawMessage) (json.RawMessage, error), error) {
	if version == p.current.Version() {
		return p.current, nil, nil
	}
	if m := p.current.migration(version); m != nil {
		return p.current, m, nil
	}
	if o, ok := p.older[version]; ok {
		return o, nil, nil
	}
	return nil, nil, fmt.Errorf("saga %s: version %d is no longer registered and version %d has no migration from it",
		p.current.Name(), version, p.current.Version())
}

// all lists the current definition and the older ones.
func (p *Process) all() []Logic {
	out := []Logic{p.current}
	for _, o := range p.older {
		out = append(out, o)
	}
	return out
}

// route returns the key of the instance an event of type typ concerns,
// and whether it starts one. The current definition routes the types it
// knows; older versions route the types only they still know, for their
// running instances.
func (p *Process) route(ev domain.Event, typ string) (key string, start bool) {
	for _, lg := range p.all() {
		if s, ok := lg.eventTypes()[typ]; ok {
			return lg.correlate(ev, typ), s && lg == p.current
		}
	}
	return "", false
}
