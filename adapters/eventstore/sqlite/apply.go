package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/webos-engine/webos/domain"
)

// streamHead is the version and hash of a stream's last event.
type streamHead struct {
	version uint64
	hash    string
}

// batchTx is the state of one group-commit transaction. heads caches the
// stream heads read or written in it: the write lock is held throughout, so
// no other writer can move them, and only released requests update them.
type batchTx struct {
	w          *writer
	heads      map[string]streamHead
	savepoints bool // a savepoint around each request; see writer.transact
	lone       bool // one request only: the transaction is its scope
}

// errNeedSavepoints asks for a batch to be rerun with savepoints, because
// an insert failed where no savepoint can undo just its request.
var errNeedSavepoints = errors.New("rerun the batch with savepoints")

// apply appends one request. The first result is the request's own error;
// the second means the transaction is unusable and the batch must fail.
func (tx *batchTx) apply(ctx context.Context, r *request) (error, error) {
	if r.save != nil {
		return nil, tx.w.saveCheckpoint(ctx, r.save)
	}
	h, err := tx.head(ctx, r.stream)
	if err != nil {
		return nil, err
	}
	if !r.expected.Matches(h.version) {
		return domain.VersionConflict(r.stream, r.expected, h.version), nil
	}
	if err := domain.Chain(h.version, h.hash, r.events); err != nil {
		return domain.Invalid(err.Error()), nil
	}
	if err := tx.exec(ctx, tx.w.stmts.savepoint); err != nil {
		return nil, err
	}
	if err := insertEvents(ctx, tx.w.stmts.insert, r.events); err != nil {
		if !tx.savepoints && !tx.lone {
			return nil, errNeedSavepoints
		}
		if err := tx.exec(ctx, tx.w.stmts.rollbackTo); err != nil {
			return nil, err
		}
		return mapInsertError(r, h, err), tx.exec(ctx, tx.w.stmts.release)
	}
	last := r.events[len(r.events)-1]
	tx.heads[r.stream] = streamHead{last.StreamVersion, last.Hash}
	return nil, tx.exec(ctx, tx.w.stmts.release)
}

// exec runs a savepoint statement, or nothing when running without.
func (tx *batchTx) exec(ctx context.Context, stmt *sql.Stmt) error {
	if !tx.savepoints {
		return nil
	}
	_, err := stmt.ExecContext(ctx)
	return err
}

func (tx *batchTx) head(ctx context.Context, stream string) (streamHead, error) {
	if h, ok := tx.heads[stream]; ok {
		return h, nil
	}
	var h streamHead
	err := tx.w.stmts.head.QueryRowContext(ctx, stream).Scan(&h.version, &h.hash)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	tx.heads[stream] = h
	return h, err
}

// mapInsertError turns the database's uniqueness checks into domain
// conflicts; they are the backstop behind the head check above.
func mapInsertError(r *request, h streamHead, err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return err
	}
	var de *domain.Error
	switch msg := se.Error(); {
	case strings.Contains(msg, "events.id"):
		de = domain.Errorf(domain.KindConflict, "duplicate_event", "an event of this append to %s is already stored", r.stream)
	case strings.Contains(msg, "events.stream_id"):
		de = domain.VersionConflict(r.stream, r.expected, h.version)
	default:
		return err
	}
	de.Err = err
	return de
}
