package sagas

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Logic is a Definition with its state type hidden: one version of a
// process manager, as Register and the runtime take it. *Definition[S]
// is the only implementation.
type Logic interface {
	// Name is "{module}.{Name}".
	Name() string
	// Version is the definition's version.
	Version() int
	// Err reports mistakes made while building the definition.
	Err() error

	eventTypes() map[string]bool
	correlate(ev domain.Event, typ string) string
	run(c call) (json.RawMessage, []action, error)
	migration(from int) func(json.RawMessage) (json.RawMessage, error)
}

// call is one input handed to a definition's handler.
type call struct {
	in     *instance
	now    time.Time
	kind   string // "event", "done", "refused", "timer"
	event  domain.Event
	typ    string
	result StepResult
	refusl StepError
	timer  string
}

func (d *Definition[S]) eventTypes() map[string]bool {
	out := map[string]bool{}
	for typ, t := range d.triggers {
		out[typ] = t.start
	}
	return out
}

func (d *Definition[S]) correlate(ev domain.Event, typ string) string {
	t, ok := d.triggers[typ]
	if !ok {
		return ""
	}
	return t.correlate(ev)
}

// run calls the handler for c on the instance's state and returns the
// state after it and the actions it queued.
func (d *Definition[S]) run(c call) (json.RawMessage, []action, error) {
	var s S
	if len(c.in.state) > 0 && string(c.in.state) != "null" {
		if err := json.Unmarshal(c.in.state, &s); err != nil {
			return nil, nil, fmt.Errorf("saga %s v%d: the recorded state does not decode: %w", d.name, d.version, err)
		}
	}
	ctx := &Context[S]{State: &s, instance: c.in.ID(), key: c.in.key, status: c.in.status, version: d.version, now: c.now}
	var err error
	switch c.kind {
	case "event":
		if t, ok := d.triggers[c.typ]; ok {
			err = t.handle(ctx, c.event)
		}
	case "done":
		if d.onDone != nil {
			err = d.onDone(ctx, c.result)
		}
	case "refused":
		if d.onFailed != nil {
			err = d.onFailed(ctx, c.refusl)
		} else {
			ctx.Compensate(fmt.Sprintf("step %s was refused: %s", c.refusl.Step, c.refusl.Message))
		}
	case "timer":
		if d.onTimer != nil {
			err = d.onTimer(ctx, c.timer)
		}
	}
	if err != nil {
		return nil, nil, err
	}
	state, err := json.Marshal(s)
	if err != nil {
		return nil, nil, fmt.Errorf("saga %s: the state does not encode: %w", d.name, err)
	}
	return state, ctx.acts, nil
}

func (d *Definition[S]) migration(from int) func(json.RawMessage) (json.RawMessage, error) {
	fn, ok := d.migrations[from]
	if !ok {
		return nil
	}
	return func(old json.RawMessage) (json.RawMessage, error) {
		s, err := fn(old)
		if err != nil {
			return nil, err
		}
		return json.Marshal(s)
	}
}
