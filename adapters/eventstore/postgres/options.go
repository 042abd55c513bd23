package postgres

import "time"

// DefaultSchema is the schema the store's tables live in unless
// WithSchema or the URL's schema parameter names another.
const DefaultSchema = "webos"

// Option configures Open.
type Option func(*config)

type config struct {
	schema         string
	poll           time.Duration
	maxConns       int32
	connectTimeout time.Duration
	retryFor       time.Duration
}

func defaults() config {
	return config{poll: 500 * time.Millisecond, connectTimeout: 5 * time.Second, retryFor: 30 * time.Second}
}

// WithSchema sets the schema holding the store's tables, created if
// missing (default DefaultSchema, or the URL's schema parameter). Stores in
// different schemas of one database are different stores.
func WithSchema(name string) Option { return func(c *config) { c.schema = name } }

// WithPollInterval sets how often a caught-up subscription reads the feed
// without having been notified (default 500ms): the fallback for a dropped
// LISTEN connection. Appends through this Store wake subscriptions at once.
func WithPollInterval(d time.Duration) Option { return func(c *config) { c.poll = d } }

// WithMaxConns caps the connection pool (default: pgxpool's, at least 4;
// n < 1 keeps it). The LISTEN connection comes on top.
func WithMaxConns(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxConns = int32(min(n, 1<<20))
		}
	}
}

// WithConnectTimeout bounds each connection attempt (default 5s), and so
// how long Open takes to fail on an unreachable server.
func WithConnectTimeout(d time.Duration) Option { return func(c *config) { c.connectTimeout = d } }

// WithRetryFor sets how long a subscription keeps retrying a read that
// failed on a broken connection before it ends with the error (default
// 30s), and so how long an outage it rides out unnoticed by its consumer.
func WithRetryFor(d time.Duration) Option { return func(c *config) { c.retryFor = d } }
