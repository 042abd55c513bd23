package bus

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Metadata keys of an event message. The values repeat the envelope's, so
// that a router, a log line or a tracer can use them without decoding the
// payload.
const (
	MetaEventID       = "event_id"
	MetaEventType     = "event_type"
	MetaStreamID      = "stream_id"
	MetaStreamVersion = "stream_version"
	MetaPosition      = "position"
	MetaHash          = "hash"
	MetaTenant        = "tenant"
	MetaCorrelationID = "correlation_id"
	MetaCausationID   = "causation_id"
	// MetaTraceParent and MetaTraceState carry the W3C trace context the
	// event was recorded with, under the header names the standard uses.
	MetaTraceParent = "traceparent"
	MetaTraceState  = "tracestate"
)

// NewMessage returns the bus message of a stored event: the event id as
// UUID, the envelope's JSON as payload, its ids and trace context as
// metadata.
func NewMessage(e domain.Envelope) (*message.Message, error) {
	payload, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("event %s: %w", e.ID, err)
	}
	m := message.NewMessage(e.ID, payload)
	md := m.Metadata
	md[MetaEventID] = e.ID
	md[MetaEventType] = e.Type
	md[MetaStreamID] = e.StreamID
	md[MetaStreamVersion] = strconv.FormatUint(e.StreamVersion, 10)
	md[MetaPosition] = strconv.FormatUint(e.Position, 10)
	md[MetaHash] = e.Hash
	setIf(md, MetaTenant, e.Tenant)
	setIf(md, MetaCorrelationID, e.CorrelationID)
	setIf(md, MetaCausationID, e.CausationID)
	setIf(md, MetaTraceParent, e.TraceContext["traceparent"])
	setIf(md, MetaTraceState, e.TraceContext["tracestate"])
	return m, nil
}

func setIf(md message.Metadata, key, value string) {
	if value != "" {
		md[key] = value
	}
}

// Envelope decodes the stored event a message carries. The payload must
// be an envelope whose id is the message's UUID: anything else was not
// published by the Forwarder and is refused.
func Envelope(m *message.Message) (domain.Envelope, error) {
	var e domain.Envelope
	if err := json.Unmarshal(m.Payload, &e); err != nil {
		return e, fmt.Errorf("message %s: payload is not a stored event: %w", m.UUID, err)
	}
	if e.ID != m.UUID {
		return e, fmt.Errorf("message %s: payload is event %q, not the message's", m.UUID, e.ID)
	}
	return e, nil
}

// handlerContext is the context a bus handler runs in: the message's, with
// the event's ids as the application.Meta of what is being handled, so
// that commands the handler sends name the event as their cause and keep
// its correlation and trace.
func handlerContext(m *message.Message, e domain.Envelope) context.Context {
	corr := e.CorrelationID
	if corr == "" {
		corr = e.ID
	}
	return application.WithMeta(m.Context(), application.Meta{
		Actor: e.Actor, Tenant: e.Tenant, CorrelationID: corr, CausationID: e.ID,
		MessageID: e.ID, TraceContext: e.TraceContext,
	})
}
