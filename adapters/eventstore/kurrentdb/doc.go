// Package kurrentdb is an application.EventStore on KurrentDB (25.1 or
// later), through the official gRPC client
// github.com/kurrent-io/KurrentDB-Client-Go.
//
// Layout. Every store lives in a namespace (the URL's namespace
// parameter, "webos" by default), so several engines, and the conformance
// suite's many stores, can share one server:
//
//   - engine stream s is the KurrentDB stream "<ns>:s", and its version v
//     is the event number v-1 (expected version ↔ expected revision:
//     NoStream is "no stream", version v is revision v-1);
//   - "<ns>-store" holds one event with the store id, written once when
//     the store is first opened; its position is the store's origin;
//   - "<ns>-id:<event id>" holds one small pointer event per engine event
//     ({"stream","version"}): the event-id index;
//   - "<ns>-checkpoint:<consumer>" holds a feed consumer's checkpoints
//     (application.CheckpointStore): the last event wins, and the stream's
//     $maxCount keeps only the last few.
//
// The envelope's fields other than type and data travel in the event's
// metadata, a JSON object of strings (the form multi-stream appends
// accept). KurrentDB event ids are UUIDs, so each engine id is mapped to a
// name-based UUID (SHA-1, RFC 4122 version 5) of the namespace and the id.
//
// Appends. Append takes the stream's head (last version and hash),
// chains the new events onto it (domain.Chain), and writes them in one
// multi-stream append together with one index event per new event, each
// to its own index stream with expected state "no stream". The server
// commits all of it or nothing, so:
//   - a wrong expected version is a conflict on the engine stream
//     (domain.VersionConflict);
//   - an event id already stored is a conflict on its index stream
//     ("duplicate_event"), also across streams;
//   - the hash chain holds under concurrent writers: every append names
//     the exact revision it chained onto, so a writer that lost the race
//     fails instead of forking the chain. With AnyVersion the adapter
//     re-reads and retries (after a short random pause) until it wins;
//     with an explicit version the caller (application/repository) gets
//     the conflict, as with every other store.
//
// The head comes from a per-process cache of recently used streams when
// it can decide (see heads: an entry may lag behind other processes but is
// never wrong), from a stream read otherwise; a process serialises its own
// appends to one stream, and concurrent head reads of a stream share one
// read. Append then reads the new events back for their positions (the
// append answer carries only the session's last position). So one append
// costs at most a stream read, the multi-stream append (1 + n events for n
// engine events, all of them in the server's log) and a stream read.
//
// EventByID. KurrentDB cannot look events up by id. The index stream of
// the id names the stream and version, so EventByID costs two single-event
// reads. The index is written atomically with the events; it doubles the
// number of records in $all (index records are small) and adds one stream
// per event.
//
// Global feed. A position is the event's commit position in $all. Over
// gRPC every append is an implicit transaction whose events each have
// commit == prepare position (explicit transactions, the only case where
// they differ, cannot be made over gRPC); the adapter checks that for each
// event it reads and refuses anything else. Positions are sparse and
// strictly increasing. ReadAll and Head read $all from the store's origin
// and keep only the namespace's engine streams: other records (index
// events, other namespaces, system events) are skipped on the client, so
// their cost grows with what else the server holds after the origin.
// ReadAllFiltered (application.FilteredFeed) lets the server filter
// instead: a catch-up subscription with a stream-prefix (or event-type)
// filter, ended when it has caught up, whose caught-up position is the
// position read up to.
//
// Subscriptions use a $all catch-up subscription with a server-side
// filter on the stream prefix "<ns>:" (so index, store and system events
// never reach the engine), and follow the server's filter checkpoints.
// When the subscription drops (server restart, network) it is made again
// from the last delivered event or checkpoint, with exponential backoff;
// when the client gives up on its connection, the store makes a new one.
// Events are delivered once, in order: anything at or before the last
// delivered position is skipped.
package kurrentdb
