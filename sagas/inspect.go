package sagas

import (
	"context"
	"encoding/json"
	"sort"
	"time"
)

// InstanceState is an instance as its stream tells it.
type InstanceState struct {
	ID         string
	Definition string
	Version    int
	Key        string
	Status     Status
	Reason     string
	// State is the definition's state, as JSON.
	State json.RawMessage
	// Waiting lists the steps awaiting a reply ("undo:" before a
	// compensation), sorted.
	Waiting []string
	// Timers maps each pending timer to its due time.
	Timers map[string]time.Time
	// Exists is false when the stream holds no instance.
	Exists bool
}

// Instance reads the instance of definition with key from its stream.
func (rt *Runtime) Instance(ctx context.Context, definition, key string) (InstanceState, error) {
	stream := streamOf(definition, key)
	inst := newInstance(stream)
	if err := rt.repo.Load(ctx, inst); err != nil {
		return InstanceState{}, err
	}
	out := InstanceState{ID: stream, Definition: inst.definition, Version: inst.version, Key: inst.key, Status: inst.status,
		Reason: inst.reason, State: inst.state, Timers: map[string]time.Time{}, Exists: inst.Exists()}
	for name, s := range inst.steps {
		if s.state == stepSent {
			out.Waiting = append(out.Waiting, name)
		}
	}
	for name, s := range inst.undos {
		if s.state == stepSent {
			out.Waiting = append(out.Waiting, "undo:"+name)
		}
	}
	sort.Strings(out.Waiting)
	for name, at := range inst.timers {
		out.Timers[name] = at
	}
	return out, nil
}

// InstanceID returns the id of the instance of definition with key: the
// id of its stream.
func InstanceID(definition, key string) string { return streamOf(definition, key) }
