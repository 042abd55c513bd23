package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webos-engine/webos/adapters/eventstore/catchup"
	"github.com/webos-engine/webos/application"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrClosed is returned by every method of a Store after Close.
var ErrClosed = errors.New("sqlite event store: closed")

// Store is the SQLite application.EventStore. It is safe for concurrent
// use; several Stores, in one process or many, may share a file.
type Store struct {
	write  *sql.DB // one connection, owned by the writer goroutine
	read   *sql.DB // a pool for reads, which WAL lets run beside the writer
	w      *writer
	reads  readStmts
	notify catchup.Notifier
	feed   catchup.Feed
	id     string // StoreID, read once at Open: it never changes
	schema int    // the file's schema version (user_version)

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

var _ application.EventStore = (*Store)(nil)

// Open opens or creates the event database at path and migrates its
// schema.
func Open(path string, opts ...Option) (*Store, error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("sqlite event store: unusable path %q", path)
	}
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.sync != SyncFull && cfg.sync != SyncNormal {
		return nil, fmt.Errorf("sqlite event store: synchronous must be FULL or NORMAL, not %q", cfg.sync)
	}
	busy := fmt.Sprintf("?_pragma=busy_timeout(%d)", cfg.busyTimeout.Milliseconds())
	s := &Store{}
	var err error
	if s.write, err = openDB(path+busy+"&_pragma=journal_mode(WAL)&_pragma=synchronous("+string(cfg.sync)+")", 1); err != nil {
		return nil, fmt.Errorf("sqlite event store %s: %w", path, err)
	}
	// The write connection is opened and migrated first, so the file is in
	// WAL mode before any reader looks at it.
	ctx := context.Background()
	if err = migrate(ctx, s.write); err == nil {
		s.id, err = storeID(ctx, s.write)
		s.schema = len(migrations)
	}
	if err == nil {
		s.read, err = openDB(path+"?"+readPragmas(cfg), cfg.readConns)
	}
	if err == nil {
		err = s.reads.prepare(ctx, s.read)
	}
	if err == nil {
		s.w, err = startWriter(ctx, s.write, &s.notify)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite event store %s: %w", path, errors.Join(err, s.closeDBs()))
	}
	s.feed = catchup.Feed{Read: s.ReadAll, Notifier: &s.notify, PollInterval: cfg.poll}
	return s, nil
}

func openDB(dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns) // keep connections: opening one reruns the pragmas
	if err := db.Ping(); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// Close finishes the appends already submitted, then releases the
// database; later calls fail with ErrClosed and open subscriptions end
// with that error. It is idempotent.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		werr := s.w.close()
		s.notify.Broadcast()
		s.closeErr = errors.Join(werr, s.closeDBs())
	})
	return s.closeErr
}

func (s *Store) closeDBs() error {
	errs := []error{s.reads.close()}
	for _, db := range []*sql.DB{s.read, s.write} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// StoreID returns the random id made when the file was created; see
// application.EventStore.
func (s *Store) StoreID(context.Context) (string, error) {
	if s.closed.Load() {
		return "", ErrClosed
	}
	if s.id == "" {
		return "", errNoStoreID
	}
	return s.id, nil
}

// Subscribe follows the global feed; see application.EventStore.
func (s *Store) Subscribe(ctx context.Context, after uint64) application.Subscription {
	return s.feed.Subscribe(ctx, after)
}
