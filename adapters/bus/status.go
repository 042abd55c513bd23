package bus

import (
	"sync"
	"time"
)

// Forwarder states.
const (
	StateStarting = "starting"
	StateRunning  = "running"
	StateRetrying = "retrying"
	StateStopped  = "stopped"
)

// ForwarderStatus is a snapshot of a Forwarder, shown by /api/modules.
type ForwarderStatus struct {
	// State is starting, running, retrying (after a failure) or stopped.
	State string `json:"state"`
	// Backend is the kind of bus: gochannel, nats, amqp, redis, postgres.
	Backend string `json:"backend"`
	// Position is the checkpoint: every event up to it was published.
	Position uint64 `json:"position"`
	// Forwarded counts the events published since the process started.
	Forwarded uint64 `json:"forwarded"`
	// Error is the failure being retried, while State is retrying. It may
	// be a driver's text naming hosts, so it is logged, never served.
	Error string `json:"-"`
	// FailingSince is when the failures in a row began.
	FailingSince *time.Time `json:"failingSince,omitempty"`
}

// statusBox guards a ForwarderStatus.
type statusBox struct {
	mu sync.Mutex
	s  ForwarderStatus
}

func (b *statusBox) set(f func(*ForwarderStatus)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f(&b.s)
}

func (b *statusBox) get() ForwarderStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.s
}
