package sqlite

import (
	"context"
)

// commit runs one batch in one transaction and answers every request.
func (w *writer) commit(batch []*request) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- err // not started, so nothing written
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	results, err := w.transact(live)
	for i, r := range live {
		if err != nil {
			r.done <- err
		} else {
			r.done <- results[i]
		}
	}
}

// transact appends every request of batch in one BEGIN IMMEDIATE
// transaction and returns each request's own error. A non-nil second
// result fails the whole batch: nothing of it was committed.
func (w *writer) transact(batch []*request) ([]error, error) {
	ctx := context.Background() // a started batch finishes; see submit
	if _, err := w.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return nil, err
	}
	tx := &batchTx{w: w, heads: map[string]streamHead{}, savepoints: len(batch) > 1}
	results := make([]error, len(batch))
	wrote := false
	for i, r := range batch {
		var fatal error
		results[i], fatal = tx.apply(ctx, r)
		if fatal != nil {
			w.rollback()
			return nil, fatal
		}
		wrote = wrote || results[i] == nil
	}
	if !wrote {
		// Also the way a lone request, which runs without a savepoint,
		// undoes a partial write.
		w.rollback()
		return results, nil
	}
	if _, err := w.conn.ExecContext(ctx, "COMMIT"); err != nil {
		w.rollback()
		return nil, err
	}
	w.notify.Broadcast()
	return results, nil
}

// rollback ends a failed transaction. Its own error is dropped on purpose:
// SQLite has then already rolled back, and the next BEGIN reports a
// connection that is really broken.
func (w *writer) rollback() {
	w.conn.ExecContext(context.Background(), "ROLLBACK")
}
