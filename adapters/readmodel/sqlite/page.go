package sqlite

import (
	"context"
	"database/sql"
)

// scanInto runs st with a LIMIT of limit, scanning each row into dest and
// calling add, until full reports true with a row left: then it reports
// more without scanning that row.
func scanInto(ctx context.Context, on querier, st *sqlText, limit int, dest []any, add func(), full func() bool) (more bool, err error) {
	rows, err := on.QueryContext(ctx, st.b.String()+" LIMIT ?", append(st.args, limit)...)
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
