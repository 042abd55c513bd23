package projections

import "context"

// State is where a projection is in its life.
type State string

// Projection states.
const (
	// CatchingUp: running, and more than one batch behind the head of
	// the feed (a start, a rebuild, or a burst of appends).
	CatchingUp State = "catching-up"
	// Live: running, and within one batch of the head.
	Live State = "live"
	// Retrying: the event store or the read-model store failed, or an
	// event failed fewer times than Options.MaxAttempts; the runner retries
	// with jittered back-off.
	Retrying State = "retrying"
	// Failed: one event failed MaxAttempts times in a row (it cannot be
	// decoded, or its handler refuses it). The projection stays stopped at
	// Position until an operator skips the event (Runtime.Skip) or the
	// code is fixed, and restarts.
	Failed State = "failed"
	// Stopped: not running.
	Stopped State = "stopped"
)

// Status reports one projection's progress. It is shown to API callers, so
// it carries a code and a fixed message, never a raw error: Error holds
// that, for the logs only.
type Status struct {
	Name       string `json:"name"`
	State      State  `json:"state"`
	Checkpoint uint64 `json:"checkpoint"`
	Head       uint64 `json:"head"`
	// Lag is Head - Checkpoint: events stored but not yet projected.
	Lag uint64 `json:"lag"`
	// Position is the event that failed, when one did.
	Position uint64 `json:"position,omitempty"`
	// Code says why the projection is retrying or failed (see failure.go).
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Error   string `json:"-"`
}

// running reports whether the state is one of a projection following the
// feed, which Runtime.Status refines from the lag.
func (s State) running() bool { return s == Live || s == CatchingUp }

// Status reports every projection, with its lag against the feed's head.
// A running projection is Live within one batch of the head and
// CatchingUp further behind, whichever way the lag last moved.
func (rt *Runtime) Status(ctx context.Context) []Status {
	head, err := rt.events.Head(ctx)
	out := make([]Status, 0, len(rt.runners))
	for _, r := range rt.runners {
		s := r.snapshot()
		if err == nil {
			s.Head = head
			if head > s.Checkpoint {
				s.Lag = head - s.Checkpoint
			}
			if s.State.running() {
				s.State = Live
				if s.Lag > uint64(rt.opts.BatchSize) {
					s.State = CatchingUp
				}
			}
		}
		out = append(out, s)
	}
	return out
}
