package application

import (
	"errors"
	"fmt"
	"strings"
)

// commit checks r's registrations against each other and what is running,
// then publishes all of them, or none: a step that fails (a schema that
// does not compile, an event type the registry refuses) or panics undoes
// every step before it, so a later module may take the same names and
// nothing of the failed module stays reachable.
func (a *App) commit(r *Registrar) (err error) {
	if err := a.check(r); err != nil {
		return err
	}
	var undo []func()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("registration panicked: %v", p)
		}
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()
	for _, s := range r.services {
		if err := s.provide(a.services); err != nil {
			return err
		}
		undo = append(undo, func() { a.services.withdraw(s.typ) })
	}
	for _, e := range r.events {
		if err := e.register(a.events); err != nil {
			return err
		}
		undo = append(undo, func() { a.events.Unregister(e.name) })
	}
	// Unregistering an event drops its upcasters too: check made sure
	// every upcaster belongs to an event of this module.
	for _, u := range r.upcasters {
		if err := a.events.RegisterUpcaster(u.event, u.from, u.up); err != nil {
			return err
		}
	}
	for _, c := range r.commands {
		if err := a.deps.Validator.Add(c.info.Name, c.info.Type); err != nil {
			return fmt.Errorf("command %s: schema: %w", c.info.Name, err)
		}
		undo = append(undo, func() { a.deps.Validator.Remove(c.info.Name) })
	}
	for _, jt := range r.jobTypes {
		name := jobSchema(jt.JobTypeName())
		if err := a.deps.Validator.Add(name, jt.JobInput()); err != nil {
			return fmt.Errorf("job type %s: schema: %w", jt.JobTypeName(), err)
		}
		undo = append(undo, func() { a.deps.Validator.Remove(name) })
	}
	// Nothing below can fail: the commands, views and projections become
	// reachable together, under the lock Dispatch and View read with.
	a.mu.Lock()
	defer a.mu.Unlock()
	declared := map[string]Permission{}
	for _, p := range r.manifest.Permissions {
		declared[p.Name] = p
		a.permissions[p.Name] = p
	}
	for _, c := range r.commands {
		c.permission = declared[c.info.Permission]
		a.commands[c.info.Name] = c
	}
	a.projections = append(a.projections, r.projections...)
	a.processManagers = append(a.processManagers, r.processManagers...)
	a.jobTypes = append(a.jobTypes, r.jobTypes...)
	if r.owners != nil {
		a.streamOwners[r.manifest.Name] = r.owners
	}
	for _, v := range r.views {
		v.Projections = feeders(v.Collection.Name, a.projections)
		v.permission = declared[v.Permission]
		a.views[v.Name] = v
	}
	return nil
}

// check finds clashes, names outside the module's namespace and mistakes
// the registrations themselves recorded.
func (a *App) check(r *Registrar) error {
	prefix := r.manifest.Name + "."
	seen := map[string]bool{}
	claim := func(kind, name string, taken bool) error {
		switch {
		case !strings.HasPrefix(name, prefix):
			return fmt.Errorf("%s %q must start with %q", kind, name, prefix)
		case taken || seen[kind+name]:
			return fmt.Errorf("%s %q is registered twice", kind, name)
		}
		seen[kind+name] = true
		return nil
	}
	a.mu.RLock()
	defer a.mu.RUnlock()
	var errs []error
	for _, c := range r.commands {
		_, taken := a.commands[c.info.Name]
		errs = append(errs, claim("command", c.info.Name, taken))
	}
	for _, e := range r.events {
		errs = append(errs, claim("event", e.name, a.events.Known(e.name)))
	}
	errs = append(errs, checkUpcasters(r)...)
	errs = append(errs, checkPermissions(r)...)
	for _, v := range r.views {
		_, taken := a.views[v.Name]
		errs = append(errs, claim("view", v.Name, taken))
		if f, ok := v.Collection.Field(v.Owner); v.Owner != "" && (!ok || f.Type != String) {
			errs = append(errs, fmt.Errorf("view %s: owner field %q is not a declared string field", v.Name, v.Owner))
		}
	}
	for _, p := range r.projections {
		taken := false
		for _, q := range a.projections {
			taken = taken || q.Name() == p.Name()
		}
		errs = append(errs, claim("projection", p.Name(), taken), p.Err())
	}
	for _, pm := range r.processManagers {
		taken := false
		for _, q := range a.processManagers {
			taken = taken || q.ProcessManagerName() == pm.ProcessManagerName()
		}
		errs = append(errs, claim("process manager", pm.ProcessManagerName(), taken))
	}
	for _, jt := range r.jobTypes {
		taken := false
		for _, q := range a.jobTypes {
			taken = taken || q.JobTypeName() == jt.JobTypeName()
		}
		errs = append(errs, claim("job type", jt.JobTypeName(), taken))
	}
	if r.owners != nil && !r.manifest.Shared {
		errs = append(errs, fmt.Errorf("module %s declares stream owners but is not Shared: its streams are its tenants' by their ids", r.manifest.Name))
	}
	for _, s := range r.services {
		if a.services.provided(s.typ) || seen["service"+s.typ.String()] {
			errs = append(errs, fmt.Errorf("service %s is already provided", s.typ))
		}
		seen["service"+s.typ.String()] = true
	}
	return errors.Join(errs...)
}

// checkUpcasters demands that each upcaster belongs to an event of the
// module, and that every older version of each event can be upcast: a
// version bump without its upcaster would fail only when old data is read.
func checkUpcasters(r *Registrar) []error {
	steps := map[string]map[int]bool{}
	for _, u := range r.upcasters {
		if steps[u.event] == nil {
			steps[u.event] = map[int]bool{}
		}
		if steps[u.event][u.from] {
			return []error{fmt.Errorf("upcaster of %s from version %d is registered twice", u.event, u.from)}
		}
		steps[u.event][u.from] = true
	}
	var errs []error
	for _, e := range r.events {
		for v := 1; v < e.version; v++ {
			if !steps[e.name][v] {
				errs = append(errs, fmt.Errorf("event %s is at version %d but has no upcaster from version %d", e.name, e.version, v))
			}
		}
		delete(steps, e.name)
	}
	for name := range steps {
		errs = append(errs, fmt.Errorf("upcaster for %s, which the module does not register", name))
	}
	return errs
}
