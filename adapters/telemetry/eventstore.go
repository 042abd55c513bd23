package telemetry

import (
	"context"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// tracedStore is an EventStore whose appends are spans; every other
// method is the wrapped store's.
type tracedStore struct {
	application.EventStore
	t *Tracer
}

// Events wraps events so that each Append runs in a span named
// "eventstore.append", the child of the span in the caller's context (the
// command's), and every appended event records that span's W3C trace
// context (Envelope.TraceContext, which the hash covers): the bus
// forwarder, the projections and the sagas continue the trace from it. An
// append from a context without a span continues the trace context the
// first event already carries, if any.
func (t *Tracer) Events(events application.EventStore) application.EventStore {
	return tracedStore{EventStore: events, t: t}
}

// Append implements application.EventStore.
func (s tracedStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	o := application.SpanOptions{Kind: application.SpanClient, Attrs: []application.SpanAttr{
		application.StrAttr("webos.stream", stream), application.IntAttr("webos.events", int64(len(events))),
	}}
	if len(events) > 0 && !spanContextIn(ctx) {
		o.Parent = events[0].TraceContext
	}
	ctx, span := s.t.Start(ctx, "eventstore.append", o)
	if tc := TraceContextOf(ctx); tc != nil {
		events = slices.Clone(events) // the caller's envelopes stay as they were
		for i := range events {
			events[i].TraceContext = tc
		}
	}
	out, err := s.EventStore.Append(ctx, stream, expected, events)
	if err == nil && len(out) > 0 {
		span.SetAttributes(application.IntAttr("webos.position", int64(out[len(out)-1].Position)))
	}
	span.End(err)
	return out, err
}
