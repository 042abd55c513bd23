package postgres

import (
	"context"
	"math"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

const (
	forwardSQL  = `SELECT ` + columns + ` FROM events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3`
	backwardSQL = `SELECT ` + columns + ` FROM events WHERE stream_id = $1 AND version <= $2 ORDER BY version DESC LIMIT $3`
	allSQL      = `SELECT ` + columns + ` FROM read_feed($1, $2)`
	byIDSQL     = `SELECT ` + columns + ` FROM events WHERE id = $1`
	versionSQL  = `SELECT COALESCE(max(version), 0) FROM events WHERE stream_id = $1`
	headSQLAll  = `SELECT feed_head()`
)

// sqlLimit maps "limit <= 0: all" to LIMIT NULL.
func sqlLimit(limit int) *int64 {
	if limit <= 0 {
		return nil
	}
	n := int64(limit)
	return &n
}

// ReadStream returns up to limit events of stream; see
// application.EventStore. A read that reaches the stream's last event
// remembers it as the head the next append assumes.
func (s *Store) ReadStream(ctx context.Context, stream string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	query, bound := forwardSQL, min(from, math.MaxInt64)
	if dir == application.Backward {
		query = backwardSQL
		if from == 0 {
			bound = math.MaxInt64
		}
	}
	events, err := s.query(ctx, limit, query, stream, int64(bound), sqlLimit(limit))
	if err != nil || len(events) == 0 {
		return events, err
	}
	last := -1
	switch {
	case dir == application.Backward && (from == 0 || events[0].StreamVersion < from):
		last = 0 // nothing above it, with versions dense
	case dir != application.Backward && (limit <= 0 || len(events) < limit):
		last = len(events) - 1
	}
	if last >= 0 {
		s.heads.put(stream, streamHead{version: events[last].StreamVersion, hash: events[last].Hash})
	}
	return events, nil
}

// ReadAll returns up to limit events of the global feed after position
// after, stopping short of positions that could still be preceded by an
// append in flight; see doc.go.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	return s.query(ctx, limit, allSQL, int64(min(after, math.MaxInt64)), sqlLimit(limit))
}

// EventByID returns the event with the given id; see
// application.EventStore.
func (s *Store) EventByID(ctx context.Context, id string) (domain.Envelope, bool, error) {
	found, err := s.query(ctx, 1, byIDSQL, id)
	if err != nil || len(found) == 0 {
		return domain.Envelope{}, false, err
	}
	return found[0], true, nil
}

func (s *Store) query(ctx context.Context, limit int, sql string, args ...any) (out []domain.Envelope, err error) {
	err = s.retry(ctx, func() error {
		rows, err := s.pool.Query(ctx, sql, args...)
		if err == nil {
			out, err = scanEvents(rows, limit)
		}
		return err
	})
	return out, err
}

// StreamVersion returns the version of the stream's last event, 0 if none.
func (s *Store) StreamVersion(ctx context.Context, stream string) (uint64, error) {
	return s.scalar(ctx, versionSQL, stream)
}

// Head returns the position of the last event of the feed as ReadAll
// returns it, 0 if none.
func (s *Store) Head(ctx context.Context) (uint64, error) {
	return s.scalar(ctx, headSQLAll)
}

func (s *Store) scalar(ctx context.Context, sql string, args ...any) (uint64, error) {
	var n int64
	err := s.retry(ctx, func() error { return s.pool.QueryRow(ctx, sql, args...).Scan(&n) })
	return uint64(n), err
}

// retry runs a read (or an idempotent write), again on a new connection
// if it failed on a broken
// one (a backend terminated while idle in the pool fails its next query):
// up to maxAttempts times, with backoff. The pool's idle connections are
// dropped first: a server restart or a mass termination broke them all.
func (s *Store) retry(ctx context.Context, op func() error) error {
	backoff := minBackoff
	for try := 1; ; try++ {
		if s.closed.Load() {
			return ErrClosed
		}
		err := op()
		if err == nil || try == maxAttempts || !transient(err) || ctx.Err() != nil {
			return err
		}
		s.pool.Reset() // what broke one connection has likely broken the idle others
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
			backoff *= 2
		}
	}
}

// feedRead is ReadAll for subscriptions: a read that fails on a broken
// connection is retried with backoff, for up to the configured retry
// window, so that a dropped connection delays the feed without ending it.
func (s *Store) feedRead(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	deadline := time.Now().Add(s.cfg.retryFor)
	backoff := minBackoff
	for {
		events, err := s.ReadAll(ctx, after, limit)
		if err == nil || !transient(err) || ctx.Err() != nil || time.Now().After(deadline) {
			return events, err
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(backoff):
			backoff = min(2*backoff, maxBackoff)
		}
	}
}
