// Package sqlite is the application.EventStore on one SQLite database file
// (modernc.org/sqlite, no cgo) in WAL mode.
//
// The database enforces the contract itself: UNIQUE(stream_id, version)
// allows one event per stream version and UNIQUE(id) one event per id, and
// every append runs in a BEGIN IMMEDIATE transaction that reads the stream
// head, checks the expected version, chains and inserts, so two processes
// on the same file cannot both win a version.
//
// Appends are group-committed: one writer goroutine owns the only write
// connection and takes every append request queued at that moment into a
// single transaction, each request inside its own SAVEPOINT, so concurrent
// appenders share one commit and one fsync while a conflict still undoes
// only its own request.
package sqlite
