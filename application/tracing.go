package application

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// Tracer is the tracing port: it starts the spans of one trace that
// follows a command from the HTTP request through the pipeline, the
// event-store append, the bus and every consumer. adapters/telemetry
// implements it with OpenTelemetry; a nil Tracer means tracing is off, and
// StartSpan then costs a nil check.
//
// Traces cross process and bus boundaries as a W3C trace context
// (the keys "traceparent" and "tracestate"), the form events carry in
// domain.Envelope.TraceContext and bus messages in their metadata.
type Tracer interface {
	// Start starts a span named name. Its parent is o.Parent when that
	// holds a valid W3C trace context (a consumer continuing the trace of
	// the event it handles), else the span ctx carries, else none (a new
	// trace). The returned context carries the new span.
	Start(ctx context.Context, name string, o SpanOptions) (context.Context, Span)
	// TraceContext returns the W3C trace context of the span ctx carries,
	// or nil when it carries none: what a producer records with an event
	// or a message so that its consumers continue the trace.
	TraceContext(ctx context.Context) map[string]string
}

// Span is one timed operation of a trace.
type Span interface {
	// SetAttributes adds attributes to the span.
	SetAttributes(attrs ...SpanAttr)
	// End ends the span; a non-nil err marks it failed. Only the error's
	// kind and domain code are recorded, never its text, which may hold
	// input, SQL or a backend's address (the log has it).
	End(err error)
}

// SpanKind says what role a span plays, as OpenTelemetry's kinds do.
type SpanKind int

// Span kinds.
const (
	SpanInternal SpanKind = iota
	// SpanServer handles a request from outside (HTTP).
	SpanServer
	// SpanClient calls a backend (the event store).
	SpanClient
	// SpanProducer hands a message to a bus.
	SpanProducer
	// SpanConsumer handles a message or an event someone else produced.
	SpanConsumer
)

// SpanOptions shape a span at its start.
type SpanOptions struct {
	Kind SpanKind
	// Parent, when it holds a valid W3C trace context, is the span's
	// parent instead of the span in the context.
	Parent map[string]string
	// Links are W3C trace contexts the span relates to without being
	// their child (the other events of a projection batch).
	Links []map[string]string
	Attrs []SpanAttr
}

// SpanAttr is one span attribute: a string, int64 or bool value. Never
// put secrets or request bodies in one.
type SpanAttr struct {
	Key   string
	Value any
}

// StrAttr returns a string attribute.
func StrAttr(key, value string) SpanAttr { return SpanAttr{Key: key, Value: value} }

// IntAttr returns an integer attribute.
func IntAttr(key string, value int64) SpanAttr { return SpanAttr{Key: key, Value: value} }

// StartSpan starts a span with t, or returns ctx and a span that does
// nothing when t is nil (tracing off).
func StartSpan(ctx context.Context, t Tracer, name string, o SpanOptions) (context.Context, Span) {
	if t == nil {
		return ctx, noSpan{}
	}
	return t.Start(ctx, name, o)
}

// noSpan is the span of a nil Tracer.
type noSpan struct{}

func (noSpan) SetAttributes(...SpanAttr) {}
func (noSpan) End(error)                 {}

// EventSpanOptions are the options of a span that handles e, produced
// elsewhere: a consumer span whose parent is the span that appended e (its
// recorded trace context), so the consumer joins the trace of the command
// that caused the event.
func EventSpanOptions(e *domain.Envelope, attrs ...SpanAttr) SpanOptions {
	return SpanOptions{Kind: SpanConsumer, Parent: e.TraceContext, Attrs: append(attrs,
		StrAttr("webos.event.type", e.Type), StrAttr("webos.event.id", e.ID), IntAttr("webos.event.position", int64(e.Position)))}
}
