package settings

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// Rule checks the system settings of a module beyond their schema: given
// the whole document (defaults filled in, secrets left out), it returns
// the failing fields by JSON pointer, none when it passes.
type Rule func(values map[string]any) []domain.FieldError

// Check adds rule to the system settings of module: a change it fails is
// answered 400 with its fields, and nothing is written.
func (s *Service) Check(module string, rule Rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules[module] = append(s.rules[module], rule)
}

// Watch calls fn with the document after every change of the system
// settings of module: one made through this service before it is
// answered, one made by another process sharing the event store when
// Follow reads it. fn is called once per change, in the order of each
// document's versions, never concurrently with another watcher call.
func (s *Service) Watch(module string, fn func(Document)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.watchers[module] = append(s.watchers[module], fn)
}

// failing runs the rules of sec on values.
func (s *Service) failing(sec *section, values document) []domain.FieldError {
	if sec.scope != System {
		return nil
	}
	s.mu.RLock()
	rules := s.rules[sec.module]
	s.mu.RUnlock()
	var out []domain.FieldError
	for _, r := range rules {
		out = append(out, r(values)...)
	}
	return out
}

// changed tells the watchers of sec of d, unless they were told of this
// version of the document or a newer one.
func (s *Service) changed(sec *section, d Document) {
	if sec.scope != System {
		return
	}
	s.mu.RLock()
	watchers := s.watchers[sec.module]
	s.mu.RUnlock()
	stream := streamOf(sec.scope, sec.module, d.Owner)
	s.fireMu.Lock()
	defer s.fireMu.Unlock()
	if d.Version <= s.fired[stream] {
		return
	}
	s.fired[stream] = d.Version
	for _, fn := range watchers {
		fn(d)
	}
}

// SystemValues returns the system settings of module for tenant as Go
// code inside the engine uses them: defaults filled in, secrets left out
// (so they read even under a wrong master key).
func (s *Service) SystemValues(ctx context.Context, module, tenant string) (map[string]any, error) {
	sec, err := s.section(System, module)
	if err != nil {
		return nil, err
	}
	agg := newStored(System, module, tenant)
	if err := s.repo.Load(ctx, agg); err != nil {
		return nil, err
	}
	return s.effective(sec, agg.values), nil
}
