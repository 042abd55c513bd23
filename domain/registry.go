package domain

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
)

// Upcaster turns the JSON of one schema version of an event into the next.
type Upcaster func(json.RawMessage) (json.RawMessage, error)

type eventType struct {
	rtype     reflect.Type
	version   int
	upcasters map[int]Upcaster // from version -> version+1
}

// EventRegistry maps event type names to Go types and schema versions, and
// upcasts stored events of older versions on decode. It is safe for
// concurrent use; registration normally happens once at start-up.
type EventRegistry struct {
	mu    sync.RWMutex
	types map[string]*eventType
}

// NewEventRegistry returns an empty registry.
func NewEventRegistry() *EventRegistry {
	return &EventRegistry{types: map[string]*eventType{}}
}

// RegisterEvent adds E, a struct type, at the given current schema version
// (1 for a new event). Registering a name twice is an error.
func RegisterEvent[E Event](r *EventRegistry, schemaVersion int) error {
	var zero E
	rt := reflect.TypeOf(zero)
	if rt == nil || rt.Kind() != reflect.Struct {
		return fmt.Errorf("event %T: must be a struct type", zero)
	}
	if schemaVersion < 1 {
		return fmt.Errorf("event %s: schema version must be at least 1", zero.EventType())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	name := zero.EventType()
	if _, dup := r.types[name]; dup {
		return fmt.Errorf("event %s: registered twice", name)
	}
	r.types[name] = &eventType{rtype: rt, version: schemaVersion, upcasters: map[int]Upcaster{}}
	return nil
}

// RegisterUpcaster adds the step that turns version from of event typ into
// version from+1.
func (r *EventRegistry) RegisterUpcaster(typ string, from int, up Upcaster) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.types[typ]
	if !ok {
		return fmt.Errorf("upcaster for unknown event %s", typ)
	}
	if from < 1 || from >= t.version {
		return fmt.Errorf("upcaster for %s from version %d: current version is %d", typ, from, t.version)
	}
	t.upcasters[from] = up
	return nil
}

// Encode returns the type name, current schema version and JSON of e.
func (r *EventRegistry) Encode(e Event) (string, int, json.RawMessage, error) {
	r.mu.RLock()
	t, ok := r.types[e.EventType()]
	r.mu.RUnlock()
	if !ok {
		return "", 0, nil, fmt.Errorf("event %s is not registered", e.EventType())
	}
	data, err := json.Marshal(e)
	return e.EventType(), t.version, data, err
}

// EncodeRaised is Encode for a pending event whose JSON Raise took
// (domain.Base.PendingData): it checks that the event is registered and
// answers data as its JSON, or encodes e when data is nil.
func (r *EventRegistry) EncodeRaised(e Event, data json.RawMessage) (string, int, json.RawMessage, error) {
	if data == nil {
		return r.Encode(e)
	}
	r.mu.RLock()
	t, ok := r.types[e.EventType()]
	r.mu.RUnlock()
	if !ok {
		return "", 0, nil, fmt.Errorf("event %s is not registered", e.EventType())
	}
	return e.EventType(), t.version, data, nil
}

// Decode turns a stored envelope into its Go event, upcasting older schema
// versions first; a TenantRecorder without a tenant of its own gets its
// envelope's.
func (r *EventRegistry) Decode(env *Envelope) (Event, error) {
	r.mu.RLock()
	t, ok := r.types[env.Type]
	r.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("event %s (%s) is not registered", env.Type, env.ID)
	}
	data := env.Data
	for v := env.SchemaVersion; v < t.version; v++ {
		up, ok := t.upcasters[v]
		if !ok {
			return nil, fmt.Errorf("event %s: no upcaster from version %d", env.Type, v)
		}
		var err error
		if data, err = up(data); err != nil {
			return nil, fmt.Errorf("event %s: upcast from version %d: %w", env.Type, v, err)
		}
	}
	if env.SchemaVersion > t.version {
		return nil, fmt.Errorf("event %s: stored version %d is newer than known version %d", env.Type, env.SchemaVersion, t.version)
	}
	p := reflect.New(t.rtype)
	if err := json.Unmarshal(data, p.Interface()); err != nil {
		return nil, fmt.Errorf("event %s (%s): %w", env.Type, env.ID, err)
	}
	ev := p.Elem().Interface().(Event)
	if t, ok := ev.(TenantRecorder); ok {
		ev = t.WithEnvelopeTenant(env.Tenant)
	}
	return ev, nil
}

// TenantRecorder is an event that records the tenant it holds in, in a
// field of its own that events stored before the field existed lack.
// Decode hands it its envelope's tenant ("" for the default tenant) and
// keeps the event it returns: the event's own tenant if it has one, the
// envelope's otherwise. So every reader (aggregate, projection, saga)
// gives an old event the same meaning.
type TenantRecorder interface {
	Event
	WithEnvelopeTenant(tenant string) Event
}

// Unregister removes typ and its upcasters; unknown names are ignored. The
// kernel uses it to roll back a module whose registration failed half way,
// so that nothing of it stays reachable.
func (r *EventRegistry) Unregister(typ string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.types, typ)
}

// Known reports whether typ is registered.
func (r *EventRegistry) Known(typ string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.types[typ]
	return ok
}

// Types maps every registered event type name to its Go type.
func (r *EventRegistry) Types() map[string]reflect.Type {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make(map[string]reflect.Type, len(r.types))
	for name, t := range r.types {
		out[name] = t.rtype
	}
	return out
}
