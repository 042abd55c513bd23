package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/webos-engine/webos/adapters/eventstore/internal/esinput"
	"github.com/webos-engine/webos/domain"
)

// maxAttempts bounds how often Append tries: again after a broken
// connection, and, for AnyVersion, after losing a version race.
const maxAttempts = 4

// attempt is the outcome of one try at an append.
type attempt struct {
	err     error
	inDoubt bool // the commit may have happened: look before trying again
	raced   bool // another append took the version: AnyVersion tries again
}

// Append adds events to stream if its version matches expected; see
// application.EventStore. Appending no events is a no-op.
//
// A try that fails on a broken connection is repeated on another one. If
// the connection broke after the commit was sent, the events may be
// stored: Append then looks them up by id and, if they are there with the
// hashes a try that may have committed computed, reports success and the
// stored events instead of appending them twice. Every such try counts: a
// later one chains the events again, with AnyVersion on the very head
// they made, and meets their ids, which is no duplicate of another
// append's.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if err := esinput.Validate(stream, expected, events); err != nil || len(events) == 0 {
		return nil, err
	}
	out := slices.Clone(events)
	for i := range out {
		out[i].StreamID = stream
	}
	backoff := minBackoff
	// The events as chained by each try that may have committed: a later
	// try chains them again, with AnyVersion on the head they made.
	var doubted [][]domain.Envelope
	for try := 1; ; try++ {
		if s.closed.Load() {
			return nil, ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		a := s.appendOnce(ctx, stream, expected, out)
		if a.err == nil {
			return s.appended(out), nil
		}
		if a.inDoubt {
			doubted = append(doubted, slices.Clone(out))
		}
		if len(doubted) > 0 {
			// Every later answer (a version conflict, a duplicate id, a
			// broken connection) may be this append's own commit: only the
			// store can tell, and until it has, the outcome is unknown,
			// never a conflict the caller would answer by deciding again.
			stored, err := s.landed(ctx, doubted)
			switch {
			case err == nil && stored != nil:
				return s.appended(stored), nil
			case err == nil:
				doubted = nil // none landed: this try's answer stands
			default:
				a = attempt{err: &unknownOutcome{err: err}}
			}
		}
		if try == maxAttempts || !a.raced && !transient(a.err) || ctx.Err() != nil {
			return nil, a.err
		}
		if !a.raced {
			s.pool.Reset() // as in retry: the idle connections are likely broken too
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(backoff):
				backoff *= 2
			}
		}
	}
}

// appended remembers the stream's new head, wakes the store's subscribers
// and other processes' after a commit and returns the stored events.
func (s *Store) appended(out []domain.Envelope) []domain.Envelope {
	last := out[len(out)-1]
	s.heads.put(last.StreamID, streamHead{version: last.StreamVersion, hash: last.Hash})
	s.notify.Broadcast()
	s.remote.poke()
	return out
}

// unknownOutcome is the error of an append whose commit was sent on a
// connection that broke, when the store could not be asked afterwards
// whether the events are stored. It is not a domain error: a caller must
// not decide the command again as after a conflict (the events may be
// stored), and a retry with the same event ids is safe.
type unknownOutcome struct{ err error }

func (e *unknownOutcome) Error() string {
	return "postgres event store: the connection broke while the append committed, " +
		"and whether its events are stored could not be checked yet: " + e.err.Error()
}

func (e *unknownOutcome) Unwrap() error { return e.err }

// appendOnce tries an append once: in one round trip (appendGuessed)
// when it knows the stream head to chain on, a new stream's or the one
// it remembers, else in two (appendLocked).
func (s *Store) appendOnce(ctx context.Context, stream string, expected domain.ExpectedVersion, out []domain.Envelope) attempt {
	h, ok := streamHead{}, expected == domain.NoStream
	if !ok {
		h, ok = s.heads.get(stream)
	}
	if !ok || !expected.Matches(h.version) {
		// No guess, or one that could only end in a conflict: the cache may
		// be stale, so only the store can tell.
		return s.appendLocked(ctx, stream, expected, out)
	}
	return s.appendGuessed(ctx, stream, expected, h, out)
}

// acquire takes a pooled connection and returns it with the function
// that gives it back: to the pool if clean is true by then, closed
// otherwise. A connection goes back to the pool only in a known state,
// idle and without the draw lock.
func (s *Store) acquire(ctx context.Context) (*pgxpool.Conn, func(clean *bool), error) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, nil, err
	}
	return c, func(clean *bool) {
		if *clean {
			c.Release()
		} else {
			_ = c.Hijack().Close(context.WithoutCancel(ctx))
		}
	}, nil
}

// mapUnique turns the unique indexes' verdicts into domain conflicts.
func mapUnique(pe *pgconn.PgError, stream string, expected domain.ExpectedVersion, version uint64) attempt {
	var de *domain.Error
	raced := false
	switch pe.ConstraintName {
	case "events_id_unique":
		de = domain.Errorf(domain.KindConflict, "duplicate_event", "an event of this append to %s is already stored", stream)
	case "events_stream_version_unique":
		de = domain.VersionConflict(stream, expected, version)
		raced = expected == domain.AnyVersion
	default:
		return attempt{err: pe}
	}
	de.Err = pe
	return attempt{err: de, raced: raced}
}

// landed returns the one of the chainings of an append whose commit is
// in doubt that is stored, with its positions filled in, or nil when none
// is: one is stored when every id is, in its stream at its version with
// the hash it was given. The ids are unique, so at most one can be.
func (s *Store) landed(ctx context.Context, doubted [][]domain.Envelope) ([]domain.Envelope, error) {
	out := doubted[0]
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	rows, err := s.pool.Query(ctx, `SELECT version, position, hash, stream_id FROM events WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	type row struct {
		version, position int64
		hash, stream      string
	}
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var w row
		return w, r.Scan(&w.version, &w.position, &w.hash, &w.stream)
	})
	if err != nil || len(found) != len(out) {
		return nil, err
	}
	for _, chained := range doubted {
		stored := slices.Clone(chained)
		first, ok := stored[0].StreamVersion, true
		for _, w := range found {
			i := uint64(w.version) - first
			if ok = w.stream == stored[0].StreamID && i < uint64(len(stored)) && stored[i].Hash == w.hash; !ok {
				break
			}
			stored[i].Position = uint64(w.position)
		}
		if ok {
			return stored, nil
		}
	}
	return nil, nil
}

// transient tells whether err may be gone on another connection: a
// network failure, a terminated backend, a server starting or shutting
// down or out of connections. Errors about the request are not.
func transient(err error) bool {
	if errors.Is(err, ErrClosed) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || domain.KindOf(err) != 0 {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "08", "53", "57": // connection exception, insufficient resources, operator intervention
			return true
		}
		return false
	}
	return true
}
