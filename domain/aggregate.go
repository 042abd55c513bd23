package domain

import "encoding/json"

// Aggregate is an event-sourced consistency boundary. Its state changes only
// by Apply, which must not fail or check rules: rules are checked by the
// aggregate's command methods before they Raise an event.
type Aggregate interface {
	// Root gives access to the embedded bookkeeping.
	Root() *Base
	// Apply mutates state for one event, replayed or newly raised.
	Apply(Event)
}

// Base is the bookkeeping every aggregate embeds: its stream id, the
// version of the last stored event and the events raised since.
type Base struct {
	id      string
	version uint64
	pending []Event
	// data holds each pending event's JSON as it was when raised.
	data []json.RawMessage
}

// NewBase returns the bookkeeping of an aggregate that lives in stream id.
func NewBase(id string) Base { return Base{id: id} }

// Root returns r itself, so that embedding Base satisfies half of Aggregate.
func (r *Base) Root() *Base { return r }

// ID is the aggregate's stream id.
func (r *Base) ID() string { return r.id }

// Version is the stream version the aggregate was loaded at (0: new).
func (r *Base) Version() uint64 { return r.version }

// Exists reports whether any event was stored or raised.
func (r *Base) Exists() bool { return r.version > 0 || len(r.pending) > 0 }

// Pending returns the events raised since load, oldest first.
func (r *Base) Pending() []Event { return r.pending }

// PendingData returns the JSON of each pending event taken when it was
// raised (nil where it could not be encoded), in Pending's order. This,
// not the event value, is what gets stored: see Raise.
func (r *Base) PendingData() []json.RawMessage { return r.data }

// Committed records that the pending events were stored and the stream is
// now at version.
func (r *Base) Committed(version uint64) {
	r.pending, r.data = nil, nil
	r.version = version
}

// Raise applies a new event to a and queues it for append. The event's
// JSON is taken before Apply sees it: Apply may keep memory the event
// shares (a slice, a map) in state, and a later Apply may edit it, which
// must not change what this event stores. An event that cannot be
// encoded is queued without data; the registry reports why at append.
func Raise(a Aggregate, e Event) {
	data, err := json.Marshal(e)
	if err != nil {
		data = nil
	}
	a.Apply(e)
	r := a.Root()
	r.pending = append(r.pending, e)
	r.data = append(r.data, data)
}

// Replay applies a stored event at the given stream version.
func Replay(a Aggregate, e Event, version uint64) {
	a.Apply(e)
	a.Root().version = version
}
