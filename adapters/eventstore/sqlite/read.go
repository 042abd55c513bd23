package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// readStmts are prepared once; database/sql re-prepares them lazily on
// each pooled connection.
type readStmts struct {
	forward, backward, all, version, head, byID *sql.Stmt
}

func (r *readStmts) prepare(ctx context.Context, db *sql.DB) error {
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&r.forward, `SELECT ` + columns + ` FROM events WHERE stream_id = ? AND version >= ? ORDER BY version LIMIT ?`},
		{&r.backward, `SELECT ` + columns + ` FROM events WHERE stream_id = ? AND version <= ? ORDER BY version DESC LIMIT ?`},
		{&r.all, `SELECT ` + columns + ` FROM events WHERE position > ? ORDER BY position LIMIT ?`},
		{&r.version, `SELECT COALESCE(MAX(version), 0) FROM events WHERE stream_id = ?`},
		{&r.head, `SELECT COALESCE(MAX(position), 0) FROM events`},
		{&r.byID, `SELECT ` + columns + ` FROM events WHERE id = ?`},
	} {
		var err error
		if *p.stmt, err = db.PrepareContext(ctx, p.sql); err != nil {
			return err
		}
	}
	return nil
}

func (r *readStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{r.forward, r.backward, r.all, r.version, r.head, r.byID} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// sqlLimit maps "limit <= 0: all" to SQLite's LIMIT -1.
func sqlLimit(limit int) int64 {
	if limit <= 0 {
		return -1
	}
	return int64(limit)
}

// ReadStream returns up to limit events of stream; see
// application.EventStore.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	stmt, bound := s.reads.forward, min(from, math.MaxInt64)
	if dir == application.Backward {
		stmt = s.reads.backward
		if from == 0 {
			bound = math.MaxInt64
		}
	}
	rows, err := stmt.QueryContext(ctx, stream, int64(bound), sqlLimit(limit))
	if err != nil {
		return nil, err
	}
	return scanEnvelopes(rows, limit)
}

// ReadAll returns up to limit events with a position greater than after.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	rows, err := s.reads.all.QueryContext(ctx, int64(min(after, math.MaxInt64)), sqlLimit(limit))
	if err != nil {
		return nil, err
	}
	return scanEnvelopes(rows, limit)
}

// EventByID returns the event with the given id (UNIQUE, so indexed); see
// application.EventStore.
func (s *Store) EventByID(ctx context.Context, id string) (domain.Envelope, bool, error) {
	if s.closed.Load() {
		return domain.Envelope{}, false, ErrClosed
	}
	rows, err := s.reads.byID.QueryContext(ctx, id)
	if err != nil {
		return domain.Envelope{}, false, err
	}
	found, err := scanEnvelopes(rows, 1)
	if err != nil || len(found) == 0 {
		return domain.Envelope{}, false, err
	}
	return found[0], true, nil
}

// StreamVersion returns the version of the stream's last event, 0 if none.
func (s *Store) StreamVersion(ctx context.Context, stream string) (uint64, error) {
	return s.scalar(ctx, s.reads.version, stream)
}

// Head returns the position of the last committed event, 0 if none.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	return s.scalar(ctx, s.reads.head)
}

func (s *Store) scalar(ctx context.Context, stmt *sql.Stmt, args ...any) (uint64, error) {
	if s.closed.Load() {
		return 0, ErrClosed
	}
	var n int64
	err := stmt.QueryRowContext(ctx, args...).Scan(&n)
	return uint64(n), err
}
