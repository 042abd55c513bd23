package sqlite

import "time"

// Synchronous is the SQLite synchronous setting of the write connection.
type Synchronous string

const (
	// SyncFull fsyncs the WAL on every commit: an acknowledged append
	// survives SIGKILL and power loss. It is the default.
	SyncFull Synchronous = "FULL"
	// SyncNormal fsyncs only at checkpoints: an acknowledged append
	// survives SIGKILL but the last ones may be lost on power loss.
	SyncNormal Synchronous = "NORMAL"
)

// Option configures Open.
type Option func(*config)

type config struct {
	sync        Synchronous
	busyTimeout time.Duration
	poll        time.Duration
	readConns   int
}

func defaults() config {
	return config{sync: SyncFull, busyTimeout: 5 * time.Second, poll: 250 * time.Millisecond, readConns: 4}
}

// WithSynchronous chooses the durability of commits (default SyncFull);
// Open refuses any other value than SyncFull and SyncNormal.
func WithSynchronous(s Synchronous) Option { return func(c *config) { c.sync = s } }

// WithBusyTimeout sets how long a connection waits for a lock held by
// another process before failing with SQLITE_BUSY (default 5s).
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// WithPollInterval sets how often a caught-up subscription looks for
// events appended by other processes (default 250ms); appends made through
// this Store wake subscriptions at once regardless.
func WithPollInterval(d time.Duration) Option { return func(c *config) { c.poll = d } }

// WithReadConns sets the size of the read connection pool (default 4;
// n < 1 keeps the default).
func WithReadConns(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.readConns = n
		}
	}
}
