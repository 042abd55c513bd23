package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/webos-engine/webos/adapters/eventstore/catchup"
)

// remoteNotifier tells other processes about this Store's commits with a
// NOTIFY sent after them, outside the append's transaction: a NOTIFY inside
// it would take PostgreSQL's notification lock until the commit is
// flushed, serialising every appending transaction of the database. A
// NOTIFY is a transaction of its own, committed asynchronously (a lost one
// is made up for by polling), and at most one is sent per notifyGap:
// commits that land meanwhile share the next one. Sending one per append
// cost a sequential appender a third of its speed on a slow disk.
type remoteNotifier struct {
	pending chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
}

// notifyGap is the least time between two NOTIFYs of one Store, and so the
// most a commit waits to be announced to other processes.
const notifyGap = 10 * time.Millisecond

func startRemoteNotifier(pool *pgxpool.Pool, channel string) *remoteNotifier {
	ctx, cancel := context.WithCancel(context.Background())
	n := &remoteNotifier{pending: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(n.done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-n.pending:
			}
			b := &pgx.Batch{}
			b.Queue("BEGIN")
			b.Queue("SET LOCAL synchronous_commit = off")
			b.Queue("SELECT pg_notify($1, '')", channel)
			b.Queue("COMMIT")
			// A failure loses one wake-up, which polling makes up for;
			// the connection, if broken, is replaced by the pool.
			_ = pool.SendBatch(ctx, b).Close()
			select {
			case <-ctx.Done():
				return
			case <-time.After(notifyGap):
			}
		}
	}()
	return n
}

// poke asks for a NOTIFY; it never blocks.
func (n *remoteNotifier) poke() {
	select {
	case n.pending <- struct{}{}:
	default: // one is pending already and will cover this commit
	}
}

func (n *remoteNotifier) stop() {
	n.cancel()
	<-n.done
}

// listener holds a connection that LISTENs on the store's channel and
// broadcasts each notification to the Store's subscriptions. When the
// connection breaks it reconnects with backoff, and broadcasts once it is
// back, since notifications sent meanwhile are lost.
type listener struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Listener backoff bounds.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 5 * time.Second
)

func startListener(cc *pgx.ConnConfig, channel string, wake *catchup.Notifier) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		backoff := minBackoff
		for ctx.Err() == nil {
			if listenOnce(ctx, cc, channel, wake) {
				backoff = minBackoff
			}
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
				backoff = min(2*backoff, maxBackoff)
			}
		}
	}()
	return l
}

// listenOnce connects, listens until the connection fails or ctx ends,
// and tells whether it got as far as listening.
func listenOnce(ctx context.Context, cc *pgx.ConnConfig, channel string, wake *catchup.Notifier) bool {
	conn, err := pgx.ConnectConfig(ctx, cc.Copy())
	if err != nil {
		return false
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return false
	}
	wake.Broadcast() // anything sent while we were not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return true
		}
		wake.Broadcast()
	}
}

func (l *listener) stop() {
	l.cancel()
	<-l.done
}
