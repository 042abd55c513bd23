// Package sqlite is the SQLite application.ReadModelStore: one database
// file in WAL mode with a table per collection, each document one JSONB
// row keyed by its id, and expression indexes over the declared fields.
// Documents go in and come out as JSON text. Queries follow
// package query exactly; the readmodeltest suite proves they match the
// in-memory adapter.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webos-engine/webos/application"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// readConns is the size of the read pool; WAL lets these run beside the
// single writer.
const readConns = 4

// Store is the SQLite read-model store. It is safe for concurrent use;
// Apply batches are serialised on its one write connection. Collection
// specs are cached in memory and read back on Open, so one process should
// own the file: another process's Declare is seen only after reopening.
type Store struct {
	write *sql.DB // one connection: every Apply, Reset and Declare
	read  *sql.DB // pool for reads outside Apply; sees committed state only
	cp    checkpointStmts

	declareMu sync.Mutex // serialises Declare's read-merge-write of a spec
	mu        sync.RWMutex
	colls     map[string]*collection
	stmts     stmtGen // of the read pool's page statements
	// sinceOptimize counts writes since the last PRAGMA optimize (wrote).
	sinceOptimize atomic.Int64
}

var _ application.ReadModelStore = (*Store)(nil)

// Open opens or creates the read-model database at path. Read models can be
// rebuilt from the event log, so commits use synchronous=NORMAL: a power
// loss may drop the last batches, never corrupt the file, and the
// checkpoint is lost together with them. The path is passed to the driver
// as a DSN, so it must not contain '?'.
func Open(path string) (*Store, error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("sqlite read model: unusable path %q", path)
	}
	// busy_timeout is a safety net against another process holding the file;
	// within this process writes are serialised by the single connection.
	common := path + "?_pragma=busy_timeout(5000)&_pragma=temp_store(memory)"
	s := &Store{colls: map[string]*collection{}}
	var err error
	// The writer comes first, so the file is in WAL mode and migrated before
	// any reader opens it. _txlock=immediate takes the write lock at BEGIN,
	// so a batch never fails half-way on a lock upgrade. Its page cache is
	// the largest because a projection rebuild touches pages all over the
	// tables and indexes. It checkpoints the WAL every 10,000 pages (about
	// 40 MB) rather than 1,000: a rebuild rewrites the same index pages
	// in commit after commit, and each checkpoint copies a page once
	// however often it was rewritten, and syncs twice.
	// Its analysis_limit leaves sqlite_stat4 out of the statistics (see
	// statsLimit).
	s.write, err = openDB(common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"+
		"&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(10000)"+
		"&_pragma=analysis_limit("+strconv.Itoa(statsLimit)+")&_txlock=immediate", 1)
	if err == nil {
		err = dropValueSamples(context.Background(), s.write)
	}
	if err == nil {
		s.read, err = openPool(sql.OpenDB(readConnector{dsn: common + "&_pragma=query_only(1)&_pragma=cache_size(-16384)", drv: sqliteDriver}), readConns)
	}
	if err == nil {
		err = s.load(context.Background())
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite read model %s: %w", path, errors.Join(err, s.Close()))
	}
	return s, nil
}

// openDB opens a pool of at most conns connections to dsn.
func openDB(dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	return openPool(db, conns)
}

// openPool keeps db's connections open, at most conns, and connects once.
func openPool(db *sql.DB, conns int) (*sql.DB, error) {
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns) // keep connections and their prepared statements
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil { // sql.Open connects lazily; fail in Open
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// Close closes both connection pools and with them every prepared
// statement. Calling it again is harmless.
func (s *Store) Close() error {
	var errs []error
	for _, db := range []*sql.DB{s.write, s.read} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// Get returns the committed document under id.
func (s *Store) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	return s.reader().Get(ctx, collection, id)
}

// Find runs q over the committed documents.
func (s *Store) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	return s.reader().Find(ctx, collection, q)
}

// Count counts the committed documents matching filters.
func (s *Store) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	return s.reader().Count(ctx, collection, filters)
}
