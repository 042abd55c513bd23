package projections

// State is where a projection is in its life.
type State string

// Projection states.
const (
	// CatchingUp: replaying stored events towards the head of the feed.
	CatchingUp State = "catching-up"
	// Live: caught up, applying new events as they are appended.
	Live State = "live"
	// Failed: a handler or the store failed; the runner retries with
	// back-off, and Error says why.
	Failed State = "failed"
	// Stopped: not running.
	Stopped State = "stopped"
)

// Status reports one projection's progress.
type Status struct {
	Name       string `json:"name"`
	State      State  `json:"state"`
	Checkpoint uint64 `json:"checkpoint"`
	Head       uint64 `json:"head"`
	// Lag is Head - Checkpoint: events stored but not yet projected.
	Lag   uint64 `json:"lag"`
	Error string `json:"error,omitempty"`
}
