package sagas

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// Definition is one version of a process manager whose state is an S
// (a JSON-encodable struct). It says which events start an instance and
// which continue one, how each event names its instance (the
// correlation key), and what the instance does on each event, on each
// step's reply and on each timer. Build it with Define and the functions
// below, then register it with Register.
//
// Handlers decide only from their inputs and the state; what they do
// (send, schedule, complete, compensate) is recorded in the instance's
// stream before it happens, and the state after each input is recorded
// with it, so an instance is recovered by reading its stream, never by
// running handlers again.
type Definition[S any] struct {
	name       string
	version    int
	triggers   map[string]trigger[S]
	onDone     func(*Context[S], StepResult) error
	onFailed   func(*Context[S], StepError) error
	onTimer    func(*Context[S], string) error
	migrations map[int]func(json.RawMessage) (S, error)
	errs       []error
}

// trigger is how one event type reaches an instance.
type trigger[S any] struct {
	start     bool
	correlate func(domain.Event) string
	handle    func(*Context[S], domain.Event) error
}

// StepResult is a step's successful reply: the stream the command wrote
// and the version and position after it.
type StepResult struct {
	Step     string
	Stream   string
	Version  uint64
	Position uint64
}

// StepError is a step's failed reply that retrying cannot help: the
// command was refused (its error code and message).
type StepError struct {
	Step    string
	Code    string
	Message string
}

// Define starts the definition called name ("{module}.{Name}") at version
// (1 and up). Raise the version when the handlers change in a way an
// instance already running must not see; see the package documentation.
func Define[S any](name string, version int) *Definition[S] {
	d := &Definition[S]{name: name, version: version, triggers: map[string]trigger[S]{}, migrations: map[int]func(json.RawMessage) (S, error){}}
	if version < 1 {
		d.errs = append(d.errs, fmt.Errorf("saga %s: version %d; versions start at 1", name, version))
	}
	if strings.Count(name, ".") != 1 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
		d.errs = append(d.errs, fmt.Errorf("saga %q: the name must be {module}.{Name}", name))
	}
	return d
}

// StartOn makes events of type E start an instance, the one whose key
// correlate returns (an instance with that key already running takes
// the event as a continuation). An empty key ignores the event.
func StartOn[E domain.Event, S any](d *Definition[S], correlate func(E) string, h func(*Context[S], E) error) {
	addTrigger(d, true, correlate, h)
}

// On makes events of type E continue the instance whose key correlate
// returns; an event for no running instance is ignored.
func On[E domain.Event, S any](d *Definition[S], correlate func(E) string, h func(*Context[S], E) error) {
	addTrigger(d, false, correlate, h)
}

func addTrigger[E domain.Event, S any](d *Definition[S], start bool, correlate func(E) string, h func(*Context[S], E) error) {
	var zero E
	typ := zero.EventType()
	if _, dup := d.triggers[typ]; dup {
		d.errs = append(d.errs, fmt.Errorf("saga %s handles %s twice", d.name, typ))
		return
	}
	d.triggers[typ] = trigger[S]{
		start: start,
		correlate: func(ev domain.Event) string {
			e, ok := ev.(E)
			if !ok {
				return ""
			}
			return correlate(e)
		},
		handle: func(c *Context[S], ev domain.Event) error {
			e, ok := ev.(E)
			if !ok {
				return fmt.Errorf("event %s decoded as %T", typ, ev)
			}
			return h(c, e)
		},
	}
}

// OnStepDone sets what the instance does when a step succeeds (while it
// runs; a compensation's success only moves the compensation on).
func (d *Definition[S]) OnStepDone(h func(*Context[S], StepResult) error) { d.onDone = h }

// OnStepFailed sets what the instance does when a step is refused. Without
// it, the instance compensates. A handler that neither sends nor
// compensates leaves the instance running, waiting for other inputs.
func (d *Definition[S]) OnStepFailed(h func(*Context[S], StepError) error) { d.onFailed = h }

// OnTimer sets what the instance does when one of its timers fires (while
// it runs).
func (d *Definition[S]) OnTimer(h func(*Context[S], string) error) { d.onTimer = h }

// MigrateFrom moves instances started under the older version onto this
// one: fn turns the state they recorded into this version's. An instance
// of that version is migrated at its next input, and runs under this
// version's handlers from then on. Without a migration, an older version
// must stay registered (see Register) for its instances to finish.
func (d *Definition[S]) MigrateFrom(version int, fn func(old json.RawMessage) (S, error)) {
	if version >= d.version || version < 1 {
		d.errs = append(d.errs, fmt.Errorf("saga %s: a migration from version %d into %d", d.name, version, d.version))
		return
	}
	d.migrations[version] = fn
}

// Name returns the definition's name.
func (d *Definition[S]) Name() string { return d.name }

// Version returns the definition's version.
func (d *Definition[S]) Version() int { return d.version }

// Err reports the mistakes made while building the definition.
func (d *Definition[S]) Err() error { return errors.Join(d.errs...) }
