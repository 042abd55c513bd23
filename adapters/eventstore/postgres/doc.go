// Package postgres is the application.EventStore on PostgreSQL (pgx v5).
//
// The database enforces the contract itself: UNIQUE (stream_id, version)
// allows one event per stream version and UNIQUE (id) one event per id,
// whatever process appends. Appends of one stream serialise on an advisory
// lock named after it; appends of different streams run in parallel, each
// in its own transaction on a pooled connection, and PostgreSQL groups
// their commit flushes.
//
// # One round trip per append
//
// The events are chained in Go (domain.Chain), which needs the stream's
// head (version and hash) before the insert. An append that knows the
// head sends one autocommit statement, append_events (schema.go): it takes
// the stream lock, reads the head, and only if it is the one the events
// were chained on, draws their positions and inserts them; the statement
// commits by itself. Otherwise it writes nothing and answers with the real
// head: the append is a version conflict if the expected version does not
// match it, else it chains again on it and sends once more. The head is
// known for a new stream (NoStream: version 0, no hash) and for streams
// the Store recently appended to or read to their end: a bounded cache in
// the Store (heads.go). Other processes append too, so a cached head may
// be stale; that costs a round trip, never a broken chain or a missed
// conflict, since the server checks the head under the lock. An append
// with no usable head, or whose stream moved again between two tries,
// takes two round trips in one transaction instead: BEGIN, the stream
// lock and the head read; then the insert and COMMIT.
//
// # The global feed under out-of-order commits
//
// Positions come from a sequence, so two transactions may commit in the
// other order than they drew their positions: a reader could see position
// 11 committed while 10 is still in flight, and a subscriber that moved on
// to 11 would never see 10. Watermill's SQL adapter (v4) meets the same
// problem by reading only rows written by transactions older than the
// oldest transaction still running (pg_snapshot_xmin). This store does the
// same, made sound for a position-ordered feed, and narrowed to its own
// appends:
//
//  1. Every append, in either form above, draws its positions the same
//     way: draw_positions (schema.go) in the two-round-trip form, the
//     same steps inlined in append_events in the one-statement form.
//     Under a session advisory lock held only for the draw, it takes a
//     shared transaction-level "append" lock (held until the append
//     commits or rolls back), then assigns the transaction its id
//     (pg_current_xact_id), then takes a block of positions from the
//     sequence, one for each event (nextval, then setval). Draws are
//     serialised, so transaction ids and positions are handed out in the
//     same order: if position p < q, then xid(p) <= xid(q). Each row
//     records the xid of its transaction.
//  2. A feed read (read_feed, feed_head) first computes a horizon H in one
//     statement (feed_horizon): xmax of that statement's snapshot, lowered
//     to the oldest xid among the transactions holding the append lock, as
//     pg_locks shows them. Then, in a later statement with a later
//     snapshot S, it returns only rows whose xid is below H or below
//     pg_snapshot_xmin(S).
//
// Why that never skips: say the read returns q, and p < q was drawn by
// another transaction T, so xid(T) < xid(q). If xid(q) < H, then xid(T) <
// xmax: T had its xid, hence its append lock, before the horizon was
// taken; had it still held the lock, H would be at most xid(T). So T had
// ended before S was taken, and S sees p if T committed. If xid(q) <
// xmin(S), T had ended before S too. Either way a read returns a prefix of
// the final feed, never a feed with a hole that fills later. Rolled-back
// appends (a duplicate event id, a lost race) leave gaps in the positions;
// gaps never fill.
//
// A filtered read of the feed (ReadAllFiltered, application.FilteredFeed)
// keeps the same rule: it takes the feed's head with feed_head, then, in a
// later statement, reads the selected rows of the positions up to it. The
// head is a prefix of the final feed by the argument above, so the later
// snapshot sees every row of that range that will ever commit, and the
// head is the position read up to, however few rows matched.
//
// The argument needs S taken after H, as READ COMMITTED does for each
// statement; under REPEATABLE READ the snapshot is the transaction's first,
// and a read could skip. The store sets default_transaction_isolation to
// read committed on its connections, whatever the database or role default.
//
// The append lock confines the wait to this store's appends: a
// transaction left open elsewhere in the cluster, which would stall a
// plain xmin reader, does not hold the feed back. Stream reads and
// EventByID are not held back at all: a stream's versions commit in order,
// since version v+1 can only be inserted after v committed.
//
// # Subscriptions
//
// Subscriptions are catchup.Feed subscriptions. Appends through this
// Store wake them at once; a LISTEN connection wakes them on appends of
// other processes (each Store sends one coalesced NOTIFY after its
// commits), and polling covers a dropped listener or a notification lost
// with it. A read that fails on a broken connection is retried with
// backoff for a while before the subscription ends with the error, so a
// terminated backend costs a short delay, never an event.
//
// # Schema
//
// The tables live in their own schema (default "webos"), created and
// migrated at Open by versioned steps recorded in schema_migrations;
// concurrent openers serialise on an advisory lock, so each step runs once.
package postgres
