package sqlite

import (
	"context"
	"database/sql"
	"strconv"
)

// scanInto runs st, which it ends with a LIMIT of limit, scanning each
// row into dest and calling add, until full reports true with a row
// left: then it reports more without scanning that row. The limit is
// written into the text, not bound: SQLite plans with the value of a bound LIMIT, so it would prepare
// the statement a second time on every run to look at the new binding.
func (r reader) scanInto(ctx context.Context, on querier, st *sqlText, limit int, dest []any, add func(), full func() bool) (more bool, err error) {
	st.b.WriteString(" LIMIT ") // onto st's text, not a copy of it: st runs once
	st.b.WriteString(strconv.Itoa(limit))
	rows, err := r.query(ctx, on, st.b.String(), st.args)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		if full() {
			return true, nil
		}
		if err := rows.Scan(dest...); err != nil {
			return false, err
		}
		add()
	}
	return false, rows.Err()
}

// query runs text on on: through the store's prepared statements when the
// reader is on the read pool, as it is outside Apply. On a snapshot
// transaction, which holds a connection of the pool, only a statement
// prepared already is used (see stmtCache.get); the text runs as it is
// otherwise. A prepared statement that fails may have been closed since
// it was looked up (an eviction, a Drop): the text run as it is then
// gives the answer, or the real error.
func (r reader) query(ctx context.Context, on querier, text string, args []any) (*sql.Rows, error) {
	if r.stmts == nil {
		return on.QueryContext(ctx, text, args...)
	}
	var st *sql.Stmt
	tx, inTx := on.(*sql.Tx)
	if inTx {
		if st = r.stmts.peek(text); st != nil {
			st = tx.StmtContext(ctx, st) // closed with the transaction
		}
	} else if prepared, err := r.stmts.get(ctx, text); err == nil {
		st = prepared
	}
	if st != nil {
		if rows, err := st.QueryContext(ctx, args...); err == nil || ctx.Err() != nil {
			return rows, err
		}
	}
	return on.QueryContext(ctx, text, args...)
}

// snapshot returns what a page's statements run on: if there are several
// and the reader is on the pool, a read transaction, so that they all see
// one snapshot and a concurrent commit cannot move a row from one
// statement's range to another's within a page.
func (r reader) snapshot(ctx context.Context, several bool) (querier, func(), error) {
	db, ok := r.q.(*sql.DB)
	if !several || !ok {
		return r.q, func() {}, nil
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, err
	}
	return tx, func() { _ = tx.Rollback() }, nil
}
