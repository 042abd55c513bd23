// Package bus puts the event store on a Watermill bus and reads it back.
//
// The Forwarder follows the event store's global feed and publishes every
// stored event, with its own checkpoint: at least once, the checkpoint
// advancing only after the backend accepted (or, on the in-process
// GoChannel, a subscriber acknowledged) every message up to it.
// Consumers read the bus through a Router that retries a failing handler
// with backoff, then parks the message on the poison topic, where the
// Poison archive keeps it, with its error, until an operator replays it.
//
// Topics. One topic per event type: "webos-event-" followed by the type
// with each "." replaced by "-" ("warehouse.StockReceived" is published
// to "webos-event-warehouse-StockReceived"; see EventTopic). Dots are left
// out because a JetStream stream cannot have one in its name; "-" cannot
// occur in a module or Go type name, so the mapping is one to one. Failed
// messages go to PoisonTopic.
//
// Messages. The message UUID is the event id, so a resend and its
// original are the same message to every inbox. The payload is the stored
// envelope as JSON (domain.Envelope), and the metadata repeats its ids for
// routing and tracing without decoding (see the Meta* constants): event
// id, type, stream, version, position, hash, tenant, correlation and
// causation ids when present, and the W3C trace context (traceparent,
// tracestate) the event was recorded with, or, when the Forwarder is
// traced, that of its span publishing the message, which the Router's
// consumer span continues (trace.go).
//
// This package imports Watermill's core only. The backends, chosen by URL
// in cmd/webos, live in adapters/bus/<backend> and implement Backend.
package bus
