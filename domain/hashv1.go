package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// canonicalEventV1 is the hashed form of an envelope under HashV1, kept
// only to verify events written before HashV2: every field a writer fixes
// before append, in this order, as encoding/json writes them.
type canonicalEventV1 struct {
	ID            string            `json:"id"`
	Type          string            `json:"type"`
	SchemaVersion int               `json:"schemaVersion"`
	StreamID      string            `json:"streamId"`
	StreamVersion uint64            `json:"streamVersion"`
	RecordedAt    string            `json:"recordedAt"`
	Actor         string            `json:"actor"`
	Tenant        string            `json:"tenant"`
	CorrelationID string            `json:"correlationId"`
	CausationID   string            `json:"causationId"`
	TraceContext  map[string]string `json:"traceContext"`
	Data          json.RawMessage   `json:"data"`
}

// canonicalV1 returns the bytes HashV1 hashes: prevHash followed by the
// encoding/json form of canonicalEventV1, with Data compacted (and, as
// encoding/json does to raw messages, <, >, & and U+2028/9 escaped). Its
// exact rules are written down in docs/audit-format.md; the golden vectors
// pin them against changes in encoding/json.
func canonicalV1(prevHash string, e *Envelope) ([]byte, error) {
	var data bytes.Buffer
	if err := json.Compact(&data, e.Data); err != nil {
		return nil, fmt.Errorf("event %s: data is not valid JSON: %w", e.ID, err)
	}
	c := canonicalEventV1{
		ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion,
		StreamID: e.StreamID, StreamVersion: e.StreamVersion,
		RecordedAt: e.RecordedAt.UTC().Format(time.RFC3339Nano),
		Actor:      e.Actor, Tenant: e.Tenant,
		CorrelationID: e.CorrelationID, CausationID: e.CausationID,
		TraceContext: e.TraceContext, Data: data.Bytes(),
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	return append([]byte(prevHash), b...), nil
}
