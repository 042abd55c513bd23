package domain

import (
	"encoding/json"
	"time"
)

// Event is a domain event payload: a plain struct that names its own type.
// The name is stable and module-qualified, for example
// "warehouse.StockReceived"; it is what the store records and what the
// registry decodes by.
type Event interface {
	EventType() string
}

// Envelope is one stored event with everything known about it. The fields
// up to Data are fixed by the writer before append; StreamVersion,
// Position, PrevHash and Hash are assigned by the event store.
type Envelope struct {
	ID            string            `json:"id"`
	Type          string            `json:"type"`
	SchemaVersion int               `json:"schemaVersion"`
	StreamID      string            `json:"streamId"`
	StreamVersion uint64            `json:"streamVersion"`
	Position      uint64            `json:"position"`
	RecordedAt    time.Time         `json:"recordedAt"`
	Actor         string            `json:"actor,omitempty"`
	Tenant        string            `json:"tenant,omitempty"`
	CorrelationID string            `json:"correlationId,omitempty"`
	CausationID   string            `json:"causationId,omitempty"`
	TraceContext  map[string]string `json:"traceContext,omitempty"`
	Data          json.RawMessage   `json:"data"`
	PrevHash      string            `json:"prevHash"`
	Hash          string            `json:"hash"`
}

// ExpectedVersion is the stream version a writer read before deciding. The
// first event of a stream has version 1, so NoStream (0) means "the stream
// must not exist yet".
type ExpectedVersion int64

const (
	// AnyVersion skips the optimistic concurrency check.
	AnyVersion ExpectedVersion = -1
	// NoStream demands that the stream has no events yet.
	NoStream ExpectedVersion = 0
)

// Matches reports whether a stream currently at version current satisfies e.
func (e ExpectedVersion) Matches(current uint64) bool {
	return e == AnyVersion || uint64(e) == current
}
