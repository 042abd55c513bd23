package sqlite

import (
	"context"
	"errors"
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
//
// A savepoint copies every page its request touches into a sub-journal,
// which made savepoints the largest cost of a batch. Version conflicts and
// invalid events are caught before anything is written, so only a failed
// insert (in practice a duplicate event id) needs one request undone. A
// batch therefore runs without savepoints first; if an insert fails, the
// whole transaction is rolled back and the batch rerun with a savepoint per
// request, and only the failing request fails.
func (w *writer) transact(batch []*request) ([]error, error) {
	results, err := w.attempt(batch, false)
	if errors.Is(err, errNeedSavepoints) {
		results, err = w.attempt(batch, true)
	}
	return results, err
}

// attempt runs batch once, with or without a savepoint per request.
func (w *writer) attempt(batch []*request, savepoints bool) ([]error, error) {
	ctx := context.Background() // a started batch finishes; see submit
	if _, err := w.stmts.begin.ExecContext(ctx); err != nil {
		return nil, err
	}
	tx := &batchTx{w: w, heads: map[string]streamHead{}, savepoints: savepoints, lone: len(batch) == 1}
	results := make([]error, len(batch))
	wrote, appended := false, false
	for i, r := range batch {
		var fatal error
		results[i], fatal = tx.apply(ctx, r)
		if fatal != nil {
			w.rollback()
			return nil, fatal
		}
		wrote = wrote || results[i] == nil
		appended = appended || results[i] == nil && r.save == nil
	}
	if !wrote {
		// Also how a lone request undoes a partial write.
		w.rollback()
		return results, nil
	}
	if _, err := w.stmts.commit.ExecContext(ctx); err != nil {
		w.rollback()
		return nil, err
	}
	if appended { // a saved checkpoint alone gives subscribers nothing to read
		w.notify.Broadcast()
	}
	return results, nil
}

// rollback ends a failed transaction. Its own error is dropped on purpose:
// SQLite has then already rolled back, and the next BEGIN reports a
// connection that is really broken.
func (w *writer) rollback() {
	_, _ = w.stmts.rollback.ExecContext(context.Background())
}
