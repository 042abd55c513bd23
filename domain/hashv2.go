package domain

import (
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// canonicalV2 returns the bytes HashV2 hashes: one RFC 8785 (JCS) object
// holding prevHash and every envelope field the writer fixes, always all
// of them ("" for an absent string, {} for a nil or empty trace context),
// with data canonicalised too. The members are written in their canonical
// (sorted) order by hand; docs/audit-format.md is the specification.
func canonicalV2(prevHash string, e *Envelope) ([]byte, error) {
	if err := CheckText(e); err != nil {
		return nil, err
	}
	if !utf8.ValidString(prevHash) {
		return nil, Invalid("prevHash is not valid UTF-8")
	}
	if e.StreamVersion > maxSafeInteger || e.SchemaVersion > maxSafeInteger || e.SchemaVersion < -maxSafeInteger {
		return nil, Invalid(fmt.Sprintf("event %s: version beyond 2^53", e.ID))
	}
	at := e.RecordedAt.UTC()
	if at.Year() < 0 || at.Year() > 9999 {
		return nil, Invalid(fmt.Sprintf("event %s: recordedAt is outside the years 0000-9999", e.ID))
	}
	b := make([]byte, 0, 256+len(e.Data))
	b = appendMember(b, '{', "actor", e.Actor)
	b = appendMember(b, ',', "causationId", e.CausationID)
	b = appendMember(b, ',', "correlationId", e.CorrelationID)
	b = append(b, `,"data":`...)
	b, err := CanonicalJSON(b, e.Data)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", e.ID, err)
	}
	b = appendMember(b, ',', "id", e.ID)
	b = appendMember(b, ',', "prevHash", prevHash)
	b = append(b, `,"recordedAt":"`...)
	b = append(at.AppendFormat(b, time.RFC3339Nano), '"')
	b = strconv.AppendInt(append(b, `,"schemaVersion":`...), int64(e.SchemaVersion), 10)
	b = appendMember(b, ',', "streamId", e.StreamID)
	b = strconv.AppendUint(append(b, `,"streamVersion":`...), e.StreamVersion, 10)
	b = appendMember(b, ',', "tenant", e.Tenant)
	b = appendTraceContext(append(b, `,"traceContext":`...), e.TraceContext)
	b = appendMember(b, ',', "type", e.Type)
	return append(b, '}'), nil
}

// appendMember writes sep, then "name":value with value JCS-escaped.
func appendMember(b []byte, sep byte, name, value string) []byte {
	b = append(append(b, sep, '"'), name...)
	return appendJCSString(append(b, '"', ':'), value)
}

// appendTraceContext writes the trace context as a JCS object; nil and
// empty are the same {} because the envelope's JSON omits both.
func appendTraceContext(b []byte, tc map[string]string) []byte {
	var small [4]string // a W3C trace context has two keys
	keys := small[:0]
	for k := range tc {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareUTF16[string])
	for i, k := range keys {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		b = appendJCSString(append(b, sep), k)
		b = appendJCSString(append(b, ':'), tc[k])
	}
	if len(keys) == 0 {
		b = append(b, '{')
	}
	return append(b, '}')
}

// CheckText refuses an envelope whose strings are not all valid UTF-8: such
// a string would hash as one text and be stored as another (SQLite turns
// bad bytes into U+FFFD), so the chain would break on the first read. The
// error is KindInvalid with a pointer relative to the envelope.
func CheckText(e *Envelope) error {
	for _, f := range [...]struct{ name, v string }{
		{"id", e.ID}, {"type", e.Type}, {"streamId", e.StreamID}, {"actor", e.Actor},
		{"tenant", e.Tenant}, {"correlationId", e.CorrelationID},
		{"causationId", e.CausationID},
	} {
		if !utf8.ValidString(f.v) {
			return Invalid("envelope text must be valid UTF-8", FieldError{Pointer: "/" + f.name, Detail: "not valid UTF-8"})
		}
	}
	for k, v := range e.TraceContext {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return Invalid("envelope text must be valid UTF-8", FieldError{Pointer: "/traceContext", Detail: "a key or value is not valid UTF-8"})
		}
	}
	return nil
}
