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
// single transaction, so concurrent appenders share one commit and one
// fsync, while a request that fails still fails alone: version conflicts
// are found before anything is written, and a failed insert reruns the
// batch with each request inside its own SAVEPOINT.
//
// Reads go through a separate pool of read-only connections, which WAL
// lets run beside the writer; subscriptions are catchup.Feed
// subscriptions, woken by this Store's commits and polling for commits of
// other processes.
package sqlite
