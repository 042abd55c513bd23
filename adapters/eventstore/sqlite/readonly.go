package sqlite

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/webos-engine/webos/adapters/eventstore/catchup"
)

// ErrReadOnly is returned by Append and SaveCheckpoint on a Store opened
// with OpenReadOnly.
var ErrReadOnly = errors.New("sqlite event store: opened read-only, writes are refused")

// errNoStoreID is StoreID's answer for a file older than store ids, which
// only OpenReadOnly leaves unmigrated.
var errNoStoreID = errors.New("sqlite event store: the file predates store ids (schema version 1); Open migrates it")

// OpenReadOnly opens an existing event database for reading only, for
// tools that must never change the file they inspect (an auditor's above
// all). Unlike Open it creates nothing, runs no migration and sets no
// journal mode: the file is opened with SQLite's mode=ro and every
// connection is query_only, and Append fails with ErrReadOnly.
//
// A WAL database is read with its WAL, including one left behind by a
// killed process: SQLite rebuilds its index in the -shm file (or in memory
// when that cannot be written) without touching the database or the WAL.
// Beside a WAL database that has none, SQLite creates an empty WAL and
// -shm even read-only: its locking, which keeps reads consistent beside a
// writer in another process, needs them; they hold no record.
// Files of an older schema are read as they are; StoreID of a file older
// than store ids fails. Only the options that concern reads (busy timeout,
// poll interval, read connections) apply.
func OpenReadOnly(path string, opts ...Option) (*Store, error) {
	uri, err := readOnlyURI(path)
	if err != nil {
		return nil, err
	}
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Store{}
	s.read, err = openDB(uri+"&"+readPragmas(cfg), cfg.readConns)
	ctx := context.Background()
	if err == nil {
		err = s.checkReadableSchema(ctx)
	}
	if err == nil {
		err = s.reads.prepare(ctx, s.read)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite event store %s (read-only): %w", path, errors.Join(err, s.closeDBs()))
	}
	s.feed = catchup.Feed{Read: s.ReadAll, Notifier: &s.notify, PollInterval: cfg.poll}
	return s, nil
}

// readOnlyURI makes the file: URI that opens path read-only and never
// creates it. The path is escaped, since SQLite decodes %HH in URIs.
func readOnlyURI(path string) (string, error) {
	if path == "" || strings.Contains(path, "?") {
		return "", fmt.Errorf("sqlite event store: unusable path %q", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("sqlite event store %s: %w", path, err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") { // a Windows volume: file:///C:/...
		u.Path = "/" + u.Path
	}
	return u.String() + "?mode=ro", nil
}

// readPragmas are the settings of every read connection. Readers map the
// file: modernc builds SQLite with one page cache for the whole process,
// and a long feed read (a projection rebuild) otherwise evicts the pages
// of every other database in the process, the read-model writer's
// included.
func readPragmas(cfg config) string {
	return fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=query_only(1)&_pragma=mmap_size(1073741824)", cfg.busyTimeout.Milliseconds())
}

// checkReadableSchema refuses a file that is not an event store or was
// written by a newer program, and reads the store id where the schema has
// one; no migration has changed the events table since the first.
func (s *Store) checkReadableSchema(ctx context.Context) error {
	var version int
	if err := s.read.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	s.schema = version
	switch {
	case version == 0:
		return errors.New("not an event store (schema version 0)")
	case version > len(migrations):
		return fmt.Errorf("schema version %d is newer than this program knows (%d)", version, len(migrations))
	case version >= 2: // the migration that made store ids
		id, err := storeID(ctx, s.read)
		s.id = id
		return err
	}
	return nil
}
