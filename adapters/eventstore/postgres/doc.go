// Package postgres is the application.EventStore on PostgreSQL (pgx v5).
//
// The database enforces the contract itself: UNIQUE (stream_id, version)
// allows one event per stream version and UNIQUE (id) one event per id,
// whatever process appends. An append reads the stream head, checks the
// expected version and chains the events in Go (domain.Chain), then
// inserts them in one statement and commits; a writer that lost a race for
// a version fails on the unique index and gets a version conflict.
// Appends of different streams run in parallel, each in its own
// transaction on a pooled connection, and PostgreSQL groups their commit
// flushes.
//
// # The global feed under out-of-order commits
//
// Positions come from a sequence, so two transactions may commit in the
// other order than they drew their positions: a reader could see position
// 11 committed while 10 is still in flight, and a subscriber that moved on
// to 11 would never see 10. Watermill's SQL adapter (v4) meets the same
// problem by reading only rows written by transactions older than the
// oldest transaction still running; this store does the same, and makes
// that sound for a position-ordered feed:
//
//  1. Every append draws its positions with draw_positions (see schema.go),
//     which, under a session advisory lock held only for the draw, assigns
//     the transaction its id (pg_current_xact_id) and then takes nextval
//     for each event. Transaction ids and positions are therefore handed
//     out in the same order: if position p < q, then xid(p) <= xid(q).
//     Each row records the xid of its transaction.
//  2. A feed read (ReadAll, Head, subscriptions) only returns rows whose
//     xid is below pg_snapshot_xmin(pg_current_snapshot()) of its own
//     statement: the oldest transaction still running when the read
//     started.
//
// If a read returns position q, every transaction with an xid below xmin
// has ended, so each position p < q (drawn with an xid <= xid(q) < xmin)
// is either committed and visible to the same read, or rolled back and
// gone for ever. A read therefore returns a prefix of the final feed,
// never a feed with a hole that fills later. Rolled-back appends (a
// duplicate event id, a lost version race) leave gaps in the positions;
// gaps never fill.
//
// The price: while any transaction with an xid runs anywhere in the
// PostgreSQL cluster, the feed stops just below the positions drawn after
// it began. Appends are short, so this is a delay of milliseconds; a
// transaction left open elsewhere in the cluster delays delivery (never
// loses it) until it ends. Stream reads and EventByID are not held back:
// a stream's versions commit in order, since version v+1 can only be
// inserted after v committed.
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
