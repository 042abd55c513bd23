// Package projections runs projections: each consumes the event store's
// ordered global feed from its own checkpoint, applies events in batches
// with the checkpoint written in the same read-model transaction, reports
// its lag, and can be reset and rebuilt from the start.
package projections
