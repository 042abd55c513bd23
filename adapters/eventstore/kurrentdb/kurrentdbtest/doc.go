// Package kurrentdbtest is a protocol-level test double of KurrentDB: an
// in-process gRPC server, built from the generated protobuf packages of
// the client module (github.com/kurrent-io/KurrentDB-Client-Go/protos),
// that serves the subset of the KurrentDB API the kurrentdb adapter uses.
// The real client talks to it over a real TCP socket on 127.0.0.1, so the
// adapter's tests exercise the client's own encoding, error mapping and
// connection handling.
//
// Served, and the server behaviour reproduced (with the KurrentDB
// documentation each one follows):
//
//   - ServerFeatures.GetSupportedMethods: answers version 25.1.0 and lists
//     the v2 appendsession method, so the client enables MultiStreamAppend
//     ("Append to multiple streams: only available in KurrentDB 25.1 and
//     later", client docs api/appending-events.md).
//   - v2 StreamsService.AppendSession (multi-stream append): all requests
//     of a session commit together or none does; each stream appears at
//     most once; the expected revision of each stream is checked before
//     anything is written: a revision number (the stream's last event
//     number), -1 no stream, -2 any, -4 stream exists ("Optimistic
//     concurrency", appending-events.md). A mismatch is a FailedPrecondition
//     status carrying StreamRevisionConflictErrorDetails with the stream,
//     the expected and the actual revision (-1 when the stream does not
//     exist), as the v2 errors.proto describes. Re-sending a session whose
//     every request repeats, with the same expected revision, the event
//     ids already stored right after it is an idempotent success that
//     writes nothing ("Idempotence": the server answers a retried append
//     of the same event ids at the same expected version as a success).
//     Properties travel back as the event's user metadata, a JSON object
//     of strings ("Metadata must be a valid JSON object, using string keys
//     and string values only").
//   - v1 Streams.Append, a single-stream append with the same expected
//     revision rules, whose conflicts are answered in the response
//     (WrongExpectedVersion), not as an error status; the client writes
//     stream metadata with it, to the "$$<stream>" stream
//     ("Stream metadata", api/appending-events.md and the server docs).
//   - v1 Streams.Read of a stream, forwards or backwards from a revision,
//     the start or the end, with a count; a stream that does not exist
//     answers StreamNotFound ("Reading events", api/reading-events.md).
//   - v1 Streams.Read of $all, forwards from a position (inclusive) or
//     backwards from a position (exclusive), the start or the end. Every
//     event has one position in the global log; its commit position equals
//     its prepare position, as for every event appended over gRPC, and
//     positions grow with the bytes written, so they are sparse, not
//     1, 2, 3 ("Reading from the $all stream").
//   - v1 Streams.Read as a $all catch-up subscription: a confirmation, the
//     events after the given position (exclusive) in log order, CaughtUp
//     once the history is sent, then live events; with a server-side
//     filter (stream-name or event-type prefixes or a regular expression)
//     it skips what does not match and sends a checkpoint with the
//     position of the last record searched after every
//     checkpointIntervalMultiplier × window records searched, matched or
//     not ("Catch-up subscriptions", "Server-side filtering",
//     "Checkpointing", api/subscriptions.md). The log always holds system
//     events ($-prefixed streams and types) besides the test's, so a
//     missing filter shows.
//   - Stopping the server closes every connection and subscription with
//     Unavailable, as a crashed or restarted node does; the data is kept,
//     and Restart serves it again on the same port. The client does not
//     resubscribe by itself ("the subscription is dropped ... the
//     application must resubscribe", subscriptions.md).
//
// Not reproduced: authentication, TLS, clusters and gossip, deletes and
// tombstones, the effect of stream metadata ($maxCount and friends are
// stored but not applied to reads), link events,
// persistent subscriptions, projections and the v2 AppendRecords call.
package kurrentdbtest
