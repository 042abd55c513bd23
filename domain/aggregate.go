package domain

// Aggregate is an event-sourced consistency boundary. Its state changes only
// by Apply, which must not fail or check rules: rules are checked by the
// aggregate's command methods before they Raise an event.
type Aggregate interface {
	// Root gives access to the embedded bookkeeping.
	Root() *Root
	// Apply mutates state for one event, replayed or newly raised.
	Apply(Event)
}

// Root is the bookkeeping every aggregate embeds: its stream id, the
// version of the last stored event and the events raised since.
type Root struct {
	id      string
	version uint64
	pending []Event
}

// NewRoot returns the root of an aggregate that lives in stream id.
func NewRoot(id string) Root { return Root{id: id} }

// Root returns r itself, so that embedding Root satisfies half of Aggregate.
func (r *Root) Root() *Root { return r }

// ID is the aggregate's stream id.
func (r *Root) ID() string { return r.id }

// Version is the stream version the aggregate was loaded at (0: new).
func (r *Root) Version() uint64 { return r.version }

// Exists reports whether any event was stored or raised.
func (r *Root) Exists() bool { return r.version > 0 || len(r.pending) > 0 }

// Pending returns the events raised since load, oldest first.
func (r *Root) Pending() []Event { return r.pending }

// Committed records that the pending events were stored and the stream is
// now at version.
func (r *Root) Committed(version uint64) {
	r.pending = nil
	r.version = version
}

// Raise applies a new event to a and queues it for append.
func Raise(a Aggregate, e Event) {
	a.Apply(e)
	r := a.Root()
	r.pending = append(r.pending, e)
}

// Replay applies a stored event at the given stream version.
func Replay(a Aggregate, e Event, version uint64) {
	a.Apply(e)
	a.Root().version = version
}
