package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/webos-engine/webos/adapters/eventstore/catchup"
	"github.com/webos-engine/webos/application"
)

// ErrClosed is returned by every method of a Store after Close.
var ErrClosed = errors.New("postgres event store: closed")

// Store is the PostgreSQL application.EventStore. It is safe for
// concurrent use; several Stores, in one process or many, may share a
// schema.
type Store struct {
	pool    *pgxpool.Pool
	cfg     config
	name    string // host:port/database (schema), for errors: never a password
	channel string // the NOTIFY channel of the schema
	id      string // StoreID, read once at Open: it never changes
	notify  catchup.Notifier
	feed    catchup.Feed
	remote  *remoteNotifier
	listen  *listener
	heads   *headCache // stream heads appends assume; see appendGuessed

	closed    atomic.Bool
	closeOnce sync.Once
}

var _ application.EventStore = (*Store)(nil)

// Open connects to the PostgreSQL database at connString (a postgres:// or
// postgresql:// URL, or a libpq key=value string), then creates or
// migrates the store's schema. A schema query parameter in a URL names the
// schema (see WithSchema). An unreachable server fails within the connect
// timeout, with an error that names the server but never the password.
func Open(ctx context.Context, connString string, opts ...Option) (*Store, error) {
	cfg := defaults()
	connString, urlSchema, err := splitSchema(connString)
	if err != nil {
		return nil, fmt.Errorf("postgres event store: %w", err)
	}
	cfg.schema = urlSchema
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.schema == "" {
		cfg.schema = DefaultSchema
	}
	pcfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		// pgx's parse errors can quote the string, password included.
		return nil, errors.New("postgres event store: the connection URL is not valid")
	}
	if len(cfg.schema) > 63 {
		return nil, fmt.Errorf("postgres event store: schema name %q is longer than 63 bytes", cfg.schema)
	}
	cc := pcfg.ConnConfig
	cc.ConnectTimeout = cfg.connectTimeout
	cc.RuntimeParams["search_path"] = pgx.Identifier{cfg.schema}.Sanitize()
	// The feed's proof (doc.go) needs each read's snapshot taken after its
	// horizon: READ COMMITTED, whatever the database or role default is.
	cc.RuntimeParams["default_transaction_isolation"] = "read committed"
	if cfg.maxConns > 0 {
		pcfg.MaxConns = cfg.maxConns
	}
	s := &Store{cfg: cfg, name: fmt.Sprintf("%s:%d/%s (schema %s)", cc.Host, cc.Port, cc.Database, cfg.schema), channel: channelName(cfg.schema), heads: newHeadCache()}
	if s.pool, err = pgxpool.NewWithConfig(ctx, pcfg); err != nil {
		return nil, s.errorf("%w", err)
	}
	if err = s.start(ctx, cc); err != nil {
		s.pool.Close()
		return nil, s.errorf("%w", err)
	}
	return s, nil
}

// start migrates, reads the store id and starts the notification
// goroutines.
func (s *Store) start(ctx context.Context, cc *pgx.ConnConfig) error {
	ctx, cancel := context.WithTimeout(ctx, 2*s.cfg.connectTimeout)
	defer cancel()
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("cannot connect: %w", err)
	}
	if err := migrate(ctx, s.pool, s.cfg.schema, migrations); err != nil {
		return err
	}
	if err := s.pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'store_id'").Scan(&s.id); err != nil {
		return err
	}
	s.remote = startRemoteNotifier(s.pool, s.channel)
	s.listen = startListener(cc, s.channel, &s.notify)
	s.feed = catchup.Feed{Read: s.feedRead, Notifier: &s.notify, PollInterval: s.cfg.poll}
	return nil
}

// errorf wraps an error with the store's name, on one line: a driver's
// message may span several.
func (s *Store) errorf(format string, args ...any) error {
	err := fmt.Errorf("postgres event store %s: "+format, append([]any{s.name}, args...)...)
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") {
		return errors.New(strings.Join(strings.Fields(msg), " "))
	}
	return err
}

// splitSchema takes the schema parameter out of a URL: pgx would send it
// to the server as a run-time setting, which the server refuses.
func splitSchema(connString string) (string, string, error) {
	u, err := url.Parse(connString)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return connString, "", nil //nolint:nilerr // not a URL: a key=value string, left to pgx
	}
	q := u.Query()
	schema := q.Get("schema")
	if q.Has("schema") && schema == "" {
		return "", "", errors.New("the schema parameter of the URL is empty")
	}
	q.Del("schema")
	u.RawQuery = q.Encode()
	return u.String(), schema, nil
}

// channelName is the NOTIFY channel of a schema. Channels are per
// database, so the name carries the schema, hashed to fit an identifier.
func channelName(schema string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(schema))
	return "webos_events_" + strconv.FormatUint(h.Sum64(), 36)
}

// Close stops the notification goroutines and closes the pool; later
// calls fail with ErrClosed and open subscriptions end with that error.
// It waits for appends in flight. It is idempotent.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.notify.Broadcast()
		s.listen.stop()
		s.remote.stop()
		s.pool.Close()
	})
	return nil
}

// StoreID returns the random id made with the schema; see
// application.EventStore.
func (s *Store) StoreID(context.Context) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	return s.id, nil
}

// Subscribe follows the global feed; see application.EventStore.
func (s *Store) Subscribe(ctx context.Context, after uint64) application.Subscription {
	return s.feed.Subscribe(ctx, after)
}
