package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/webos-engine/webos/domain"
)

// maxGuesses bounds the one-round-trip tries of an append: the head it
// assumed, then the real head the store answered with. A stream that
// moves between the two has a concurrent writer, and the append falls
// back to appendLocked, which waits for it instead of racing it again.
const maxGuesses = 2

// appendSQL is append_events (schema.go): the stream lock, the head check
// and insertSQL's insert in one autocommit statement.
const appendSQL = `SELECT out_version, out_position, out_hash FROM append_events($1, $2, $3, $4,
	$5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`

// appendGuessed chains out on h, the head the stream is assumed to have,
// and stores it in one statement, which commits by itself: one round
// trip. If the stream's head is another, nothing is written and the
// store answers with the real one: a version conflict if expected does
// not match it, else out is chained again on it and tried once more.
func (s *Store) appendGuessed(ctx context.Context, stream string, expected domain.ExpectedVersion, h streamHead, out []domain.Envelope) attempt {
	for range maxGuesses {
		if err := domain.Chain(h.version, h.hash, out); err != nil {
			return attempt{err: domain.Invalid(err.Error())}
		}
		args, err := insertArgs(stream, out)
		if err != nil {
			return attempt{err: err}
		}
		// insertArgs: the stream, the count, then the columns.
		args = append([]any{s.cfg.schema + "/" + stream, stream, int64(h.version), h.hash}, args[2:]...)
		actual, a := s.appendStatement(ctx, args, out)
		if a.err != nil {
			var pe *pgconn.PgError
			if errors.As(a.err, &pe) && pe.Code == "23505" {
				return mapUnique(pe, stream, expected, h.version)
			}
			return a
		}
		if actual == nil {
			return attempt{}
		}
		s.heads.put(stream, *actual)
		if !expected.Matches(actual.version) {
			return attempt{err: domain.VersionConflict(stream, expected, actual.version)}
		}
		h = *actual
	}
	return s.appendLocked(ctx, stream, expected, out)
}

// appendStatement runs appendSQL. It fills in out's positions and returns
// nil, or returns the stream's real head when the assumed one was wrong.
// The statement commits or rolls back by itself; as in appendLocked, the
// connection goes back to the pool after a success or a unique-index
// violation only: any other failure may have cut a draw short.
func (s *Store) appendStatement(ctx context.Context, args []any, out []domain.Envelope) (*streamHead, attempt) {
	c, done, err := s.acquire(ctx)
	if err != nil {
		return nil, attempt{err: err}
	}
	clean := false
	defer done(&clean)
	var actual *streamHead
	rows, err := c.Query(ctx, appendSQL, args...)
	if err == nil {
		actual, err = scanAppended(rows, out)
	}
	if err == nil {
		clean = true
		return actual, attempt{}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		// The statement rolled back, after its draw had ended.
		clean = c.Conn().PgConn().TxStatus() == 'I'
		return nil, attempt{err: err}
	}
	return nil, attempt{err: err, inDoubt: !pgconn.SafeToRetry(err)}
}

// scanAppended reads appendSQL's rows, closing them: the positions into
// out, or the real head from the one row without a position.
func scanAppended(rows pgx.Rows, out []domain.Envelope) (*streamHead, error) {
	defer rows.Close()
	var actual *streamHead
	var p placer
	for rows.Next() {
		var version int64
		var position *int64
		var hash *string
		if err := rows.Scan(&version, &position, &hash); err != nil {
			return nil, err
		}
		switch {
		case position != nil:
			if err := p.place(out, version, *position); err != nil {
				return nil, err
			}
		case hash != nil:
			actual = &streamHead{version: uint64(version), hash: *hash}
		default:
			return nil, errors.New("append_events returned a row with neither a position nor a head")
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if actual != nil {
		return actual, nil
	}
	return nil, p.check(out)
}
