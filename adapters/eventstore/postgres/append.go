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
// hashes it computed, reports success instead of appending them twice.
func (s *Store) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	if err := esinput.Validate(stream, expected, events); err != nil || len(events) == 0 {
		return nil, err
	}
	out := slices.Clone(events)
	for i := range out {
		out[i].StreamID = stream
	}
	backoff := minBackoff
	doubt := false // an earlier try may have committed
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
		if doubt = doubt || a.inDoubt; doubt {
			// Every later answer (a version conflict, a duplicate id, a
			// broken connection) may be this append's own commit: only the
			// store can tell, and until it has, the outcome is unknown,
			// never a conflict the caller would answer by deciding again.
			landed, err := s.landed(ctx, out)
			switch {
			case err == nil && landed:
				return s.appended(out), nil
			case err == nil:
				doubt = false // it did not land: this try's answer stands
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

// appended wakes the store's subscribers and other processes' after a
// commit and returns the stored events.
func (s *Store) appended(out []domain.Envelope) []domain.Envelope {
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

// streamLockSQL serialises the appends of one stream until they commit, so
// that a concurrent append reads the head its predecessor left instead of
// losing a race on the unique index: AnyVersion appends never fail that
// way, and a stale expected version is found before a position is drawn.
// A hash collision between two streams only makes them wait for each
// other.
const streamLockSQL = `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`

const headSQL = `SELECT version, hash FROM events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`

// insertSQL inserts one append's events in one statement, each with the
// position and transaction id draw_positions hands out for it, and returns
// the positions by version.
const insertSQL = `INSERT INTO events (position, xid, stream_id, version, id, type, schema_version,
	recorded_at, actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash)
SELECT d.pos, d.tx, $1, e.version, e.id, e.type, e.schema_version,
	e.recorded_at, e.actor, e.tenant, e.correlation_id, e.causation_id, e.trace_context::jsonb, e.data, e.prev_hash, e.hash
FROM draw_positions($2) AS d
JOIN unnest($3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::text[], $9::text[],
		$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
	WITH ORDINALITY AS e(version, id, type, schema_version, recorded_at, actor, tenant,
		correlation_id, causation_id, trace_context, data, prev_hash, hash, ord)
	ON e.ord = d.ord
RETURNING version, position`

// appendOnce runs one transaction: read the head and check it (one round
// trip, with BEGIN), then insert and commit (another). A connection is
// given back to the pool only in a known state, idle and without the
// draw lock; any other is closed.
func (s *Store) appendOnce(ctx context.Context, stream string, expected domain.ExpectedVersion, out []domain.Envelope) (a attempt) {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return attempt{err: err}
	}
	clean := false
	defer func() {
		if clean {
			c.Release()
		} else {
			_ = c.Hijack().Close(context.WithoutCancel(ctx))
		}
	}()
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(streamLockSQL, s.cfg.schema+"/"+stream)
	var h streamHead
	b.Queue(headSQL, stream).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&h.version, &h.hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	})
	if err := c.SendBatch(ctx, b).Close(); err != nil {
		return attempt{err: err}
	}
	if !expected.Matches(h.version) {
		clean = rollback(ctx, c)
		return attempt{err: domain.VersionConflict(stream, expected, h.version)}
	}
	if err := domain.Chain(h.version, h.hash, out); err != nil {
		clean = rollback(ctx, c)
		return attempt{err: domain.Invalid(err.Error())}
	}
	args, err := insertArgs(stream, out)
	if err != nil {
		clean = rollback(ctx, c)
		return attempt{err: err}
	}
	b = &pgx.Batch{}
	b.Queue(insertSQL, args...).Query(func(rows pgx.Rows) error { return setPositions(rows, out) })
	b.Queue("COMMIT")
	err = c.SendBatch(ctx, b).Close()
	if err == nil {
		clean = true
		return attempt{}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		clean = rollback(ctx, c)
		return mapUnique(pe, stream, expected, h.version)
	}
	return attempt{err: err, inDoubt: !pgconn.SafeToRetry(err)}
}

// streamHead is the version and hash of a stream's last event.
type streamHead struct {
	version uint64
	hash    string
}

// rollback ends the transaction if one is open, and tells whether the
// connection is clean afterwards.
func rollback(ctx context.Context, c *pgxpool.Conn) bool {
	if c.Conn().PgConn().TxStatus() == 'I' {
		return true
	}
	_, err := c.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	return err == nil
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

// setPositions reads the RETURNING rows of insertSQL into out.
func setPositions(rows pgx.Rows, out []domain.Envelope) error {
	first := out[0].StreamVersion
	n := 0
	for rows.Next() {
		var version, position int64
		if err := rows.Scan(&version, &position); err != nil {
			return err
		}
		i := uint64(version) - first
		if i >= uint64(len(out)) {
			return errors.New("insert returned a version it was not given")
		}
		out[i].Position = uint64(position)
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != len(out) {
		return errors.New("insert returned fewer rows than it was given")
	}
	return nil
}

// landed tells whether out, whose commit is in doubt, is stored: every id
// present with the hash computed for it. It fills in the positions.
func (s *Store) landed(ctx context.Context, out []domain.Envelope) (bool, error) {
	ids := make([]string, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	rows, err := s.pool.Query(ctx, `SELECT version, position, hash, stream_id FROM events WHERE id = ANY($1)`, ids)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	first, n := out[0].StreamVersion, 0
	for rows.Next() {
		var version, position int64
		var hash, stream string
		if err := rows.Scan(&version, &position, &hash, &stream); err != nil {
			return false, err
		}
		i := uint64(version) - first
		if stream != out[0].StreamID || i >= uint64(len(out)) || out[i].Hash != hash {
			return false, nil
		}
		out[i].Position = uint64(position)
		n++
	}
	return n == len(out), rows.Err()
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
