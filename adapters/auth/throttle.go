package auth

import (
	"sync"
	"time"
)

// Throttle tunes login throttling: after Free failed logins in a row for
// one key (an account, or a client address) each further attempt must
// wait Base, doubling per failure up to Max. A success clears the key.
type Throttle struct {
	Free int
	Base time.Duration
	Max  time.Duration
}

// DefaultThrottle lets five mistakes pass, then waits 1 s, 2 s, 4 s …
// up to 15 minutes.
var DefaultThrottle = Throttle{Free: 5, Base: time.Second, Max: 15 * time.Minute}

// maxThrottleKeys bounds the memory an attacker who varies emails or
// addresses can make the throttle use: past it, keys idle for longer
// than Max are dropped.
const maxThrottleKeys = 100_000

type attempts struct {
	failures int
	until    time.Time // no attempt before
	last     time.Time
}

type throttle struct {
	cfg Throttle
	mu  sync.Mutex
	m   map[string]*attempts
}

func newThrottle(cfg Throttle) *throttle { return &throttle{cfg: cfg, m: map[string]*attempts{}} }

// wait returns how long key must still wait at now (0: go ahead).
func (t *throttle) wait(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a, ok := t.m[key]; ok && now.Before(a.until) {
		return a.until.Sub(now)
	}
	return 0
}

// fail records a failed attempt of key at now.
func (t *throttle) fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.m[key]
	if !ok {
		if len(t.m) >= maxThrottleKeys {
			t.prune(now)
		}
		a = &attempts{}
		t.m[key] = a
	}
	a.failures++
	a.last = now
	if over := a.failures - t.cfg.Free; over > 0 {
		d := t.cfg.Max
		if over < 31 {
			d = min(t.cfg.Base<<(over-1), t.cfg.Max)
		}
		a.until = now.Add(d)
	}
}

// clear forgets key after a success.
func (t *throttle) clear(key string) {
	t.mu.Lock()
	delete(t.m, key)
	t.mu.Unlock()
}

// prune drops keys idle for longer than Max; t.mu is held.
func (t *throttle) prune(now time.Time) {
	for k, a := range t.m {
		if now.Sub(a.last) > t.cfg.Max {
			delete(t.m, k)
		}
	}
}
