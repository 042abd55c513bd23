package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/webos-engine/webos/domain"
)

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

// appendLocked runs one transaction: read the head and check it (one
// round trip, with BEGIN), then insert and commit (another).
func (s *Store) appendLocked(ctx context.Context, stream string, expected domain.ExpectedVersion, out []domain.Envelope) (a attempt) {
	c, done, err := s.acquire(ctx)
	if err != nil {
		return attempt{err: err}
	}
	clean := false
	defer done(&clean)
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
	s.heads.put(stream, h)
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

// rollback ends the transaction if one is open, and tells whether the
// connection is clean afterwards.
func rollback(ctx context.Context, c *pgxpool.Conn) bool {
	if c.Conn().PgConn().TxStatus() == 'I' {
		return true
	}
	_, err := c.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	return err == nil
}

// setPositions reads the RETURNING rows of insertSQL into out.
func setPositions(rows pgx.Rows, out []domain.Envelope) error {
	var p placer
	for rows.Next() {
		var version, position int64
		if err := rows.Scan(&version, &position); err != nil {
			return err
		}
		if err := p.place(out, version, position); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return p.check(out)
}

// placer sets the positions an insert returned by version, counting them.
type placer struct{ n int }

func (p *placer) place(out []domain.Envelope, version, position int64) error {
	i := uint64(version) - out[0].StreamVersion
	if i >= uint64(len(out)) {
		return errors.New("insert returned a version it was not given")
	}
	out[i].Position = uint64(position)
	p.n++
	return nil
}

func (p *placer) check(out []domain.Envelope) error {
	if p.n != len(out) {
		return errors.New("insert returned fewer rows than it was given")
	}
	return nil
}
