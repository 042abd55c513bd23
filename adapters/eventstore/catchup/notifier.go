package catchup

import "sync"

// Notifier wakes every waiting subscriber when an append commits. It is a
// broadcast: Wait hands out the current channel and Broadcast closes it and
// starts a new one, so any number of subscribers can wait and none can miss
// a wake-up that happens after it called Wait. The zero value is ready to
// use and safe for concurrent use.
type Notifier struct {
	mu sync.Mutex
	ch chan struct{}
}

// Wait returns a channel that is closed by the next Broadcast. Call it
// before reading the store, so that an append committed during the read
// still wakes the caller afterwards.
func (n *Notifier) Wait() <-chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch == nil {
		n.ch = make(chan struct{})
	}
	return n.ch
}

// Broadcast wakes everyone currently waiting. Stores call it after each
// commit; with nobody waiting it costs a lock and nothing else, because the
// channel is only created on demand by Wait.
func (n *Notifier) Broadcast() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ch != nil {
		close(n.ch)
		n.ch = nil
	}
}
