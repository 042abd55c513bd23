package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// canonicalEvent is the hashed form of an envelope: every field a writer
// fixes before append, in a fixed order. The global position is left out on
// purpose: some stores assign it only after the hash must be known.
type canonicalEvent struct {
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

// HashEvent returns the hex SHA-256 of prevHash followed by the canonical
// JSON of e. Data is compacted first, so insignificant white space a store
// may add or drop does not change the hash; stores must keep the bytes of
// Data otherwise intact (no key reordering).
func HashEvent(prevHash string, e *Envelope) (string, error) {
	var data bytes.Buffer
	if err := json.Compact(&data, e.Data); err != nil {
		return "", fmt.Errorf("event %s: data is not valid JSON: %w", e.ID, err)
	}
	c := canonicalEvent{
		ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion,
		StreamID: e.StreamID, StreamVersion: e.StreamVersion,
		RecordedAt: e.RecordedAt.UTC().Format(time.RFC3339Nano),
		Actor:      e.Actor, Tenant: e.Tenant,
		CorrelationID: e.CorrelationID, CausationID: e.CausationID,
		TraceContext: e.TraceContext, Data: data.Bytes(),
	}
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Chain assigns consecutive stream versions after current and links each
// event to the one before it: prevHash is the hash of the stream's last
// stored event ("" for a new stream). Event stores call it inside the
// transaction that appends, after reading the stream head.
func Chain(current uint64, prevHash string, events []Envelope) error {
	for i := range events {
		e := &events[i]
		e.StreamVersion = current + uint64(i) + 1
		e.RecordedAt = e.RecordedAt.UTC()
		h, err := HashEvent(prevHash, e)
		if err != nil {
			return err
		}
		e.PrevHash, e.Hash = prevHash, h
		prevHash = h
	}
	return nil
}

// VerifyChain checks that events, read in order from the start of one
// stream (or from a point whose predecessor hash is prevHash), form an
// unbroken hash chain with consecutive versions. It names the first event
// that breaks it.
func VerifyChain(prevHash string, events []Envelope) error {
	for i := range events {
		e := &events[i]
		if i > 0 && e.StreamVersion != events[i-1].StreamVersion+1 {
			return fmt.Errorf("stream %s: version %d follows %d", e.StreamID, e.StreamVersion, events[i-1].StreamVersion)
		}
		if e.PrevHash != prevHash {
			return fmt.Errorf("stream %s version %d: prevHash does not match the previous event", e.StreamID, e.StreamVersion)
		}
		h, err := HashEvent(prevHash, e)
		if err != nil {
			return err
		}
		if h != e.Hash {
			return fmt.Errorf("stream %s version %d: hash mismatch, the event was altered", e.StreamID, e.StreamVersion)
		}
		prevHash = h
	}
	return nil
}
