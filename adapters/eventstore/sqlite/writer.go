package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"

	"github.com/webos-engine/webos/adapters/eventstore/catchup"
	"github.com/webos-engine/webos/domain"
)

// maxBatch caps the requests sharing one transaction, which bounds how long
// the write lock is held and how much work one failed commit throws away.
const maxBatch = 256

// request is one Append, or one SaveCheckpoint (save set), waiting for
// the writer. The writer fills in events (versions, hashes, positions) and
// sends exactly one result on done.
type request struct {
	ctx      context.Context
	stream   string
	expected domain.ExpectedVersion
	events   []domain.Envelope
	save     *savedCheckpoint
	done     chan error
}

// writer owns the single write connection and group-commits the requests
// queued on it.
type writer struct {
	conn   *sql.Conn
	stmts  writeStmts
	queue  chan *request
	notify *catchup.Notifier

	mu     sync.RWMutex // senders hold it shared, so close waits for them
	closed bool
	done   chan struct{}
	err    error // from releasing the connection, set before done closes
}

func startWriter(ctx context.Context, db *sql.DB, notify *catchup.Notifier) (*writer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn, queue: make(chan *request, maxBatch), notify: notify, done: make(chan struct{})}
	if err := w.stmts.prepare(ctx, conn); err != nil {
		return nil, errors.Join(err, w.stmts.close(), conn.Close())
	}
	go w.run()
	return w, nil
}

// submit queues r and waits for its result. Once queued, r is waited for
// even if its context ends: the writer skips requests whose context ended
// before their turn, so an error always means nothing was written.
func (w *writer) submit(r *request) error {
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.queue <- r:
	case <-r.ctx.Done():
		w.mu.RUnlock()
		return r.ctx.Err()
	}
	w.mu.RUnlock()
	return <-r.done
}

// run takes whatever is queued when the previous commit ends as the next
// batch: requests arriving during an fsync share the following one, and a
// lone request is committed at once, without waiting for company.
func (w *writer) run() {
	defer func() {
		w.err = errors.Join(w.stmts.close(), w.conn.Close())
		close(w.done)
	}()
	for r := range w.queue {
		batch := []*request{r}
	fill:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-w.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		w.commit(batch)
	}
}

// close stops accepting requests, lets the writer finish those already
// queued, waits for it to exit and returns the error of releasing its
// connection. A read-only Store has no writer: closing it does nothing.
func (w *writer) close() error {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.done
	return w.err
}
