// Package telemetry traces the engine with OpenTelemetry: it implements
// the application.Tracer port on an OpenTelemetry TracerProvider, turns
// the OTLP exporter on from the standard OTEL_* environment variables
// (ReadEnv, Start), and wraps an event store so that each append is a span whose
// W3C trace context every appended event records.
package telemetry

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// scope names the engine's tracer.
const scope = "github.com/webos-engine/webos"

// w3c reads and writes the W3C trace context (traceparent, tracestate).
var w3c = propagation.TraceContext{}

// Tracer is an application.Tracer on an OpenTelemetry TracerProvider.
type Tracer struct {
	tracer   trace.Tracer
	shutdown func(context.Context) error
}

// NewTracer returns a Tracer whose spans go to tp (tests hand it a
// provider with an in-memory recorder).
func NewTracer(tp trace.TracerProvider) *Tracer {
	return &Tracer{tracer: tp.Tracer(scope), shutdown: func(context.Context) error { return nil }}
}

// Start implements application.Tracer.
func (t *Tracer) Start(ctx context.Context, name string, o application.SpanOptions) (context.Context, application.Span) {
	parent := ctx
	if sc := spanContext(o.Parent); sc.IsValid() {
		parent = trace.ContextWithRemoteSpanContext(ctx, sc)
	}
	opts := []trace.SpanStartOption{trace.WithSpanKind(kinds[o.Kind])}
	if len(o.Attrs) > 0 {
		opts = append(opts, trace.WithAttributes(attributes(o.Attrs)...))
	}
	for _, l := range o.Links {
		if sc := spanContext(l); sc.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
		}
	}
	ctx, s := t.tracer.Start(parent, name, opts...)
	return ctx, span{s}
}

// TraceContext implements application.Tracer.
func (t *Tracer) TraceContext(ctx context.Context) map[string]string {
	return TraceContextOf(ctx)
}

// TraceContextOf returns the W3C trace context of the span ctx carries,
// nil when there is none.
func TraceContextOf(ctx context.Context) map[string]string {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return nil
	}
	tc := propagation.MapCarrier{}
	w3c.Inject(ctx, tc)
	return tc
}

// Shutdown exports the spans still buffered and stops the exporter.
func (t *Tracer) Shutdown(ctx context.Context) error { return t.shutdown(ctx) }

// spanContext parses a W3C trace context; the zero SpanContext (not
// valid) when tc holds none or a malformed one.
func spanContext(tc map[string]string) trace.SpanContext {
	if tc["traceparent"] == "" {
		return trace.SpanContext{}
	}
	return trace.SpanContextFromContext(w3c.Extract(context.Background(), propagation.MapCarrier(tc)))
}

var kinds = map[application.SpanKind]trace.SpanKind{
	application.SpanInternal: trace.SpanKindInternal,
	application.SpanServer:   trace.SpanKindServer,
	application.SpanClient:   trace.SpanKindClient,
	application.SpanProducer: trace.SpanKindProducer,
	application.SpanConsumer: trace.SpanKindConsumer,
}

func attributes(attrs []application.SpanAttr) []attribute.KeyValue {
	out := make([]attribute.KeyValue, 0, len(attrs))
	for _, a := range attrs {
		switch v := a.Value.(type) {
		case string:
			out = append(out, attribute.String(a.Key, v))
		case int64:
			out = append(out, attribute.Int64(a.Key, v))
		case int:
			out = append(out, attribute.Int(a.Key, v))
		case bool:
			out = append(out, attribute.Bool(a.Key, v))
		}
	}
	return out
}

// span is an application.Span on an OpenTelemetry span.
type span struct{ s trace.Span }

func (s span) SetAttributes(attrs ...application.SpanAttr) {
	if s.s.IsRecording() {
		s.s.SetAttributes(attributes(attrs)...)
	}
}

// End records err's kind as error.type and the span's status, never its
// text: an error can quote input, SQL or a backend's URL.
func (s span) End(err error) {
	if err != nil {
		kind := errorKind(err)
		s.s.SetAttributes(attribute.String("error.type", kind))
		s.s.SetStatus(codes.Error, kind)
	}
	s.s.End()
}

// errorKind names err without its text: the domain error's code (such as
// "version_conflict" or "invalid"), "canceled" or "deadline_exceeded",
// else "internal".
func errorKind(err error) string {
	var de *domain.Error
	switch {
	case errors.As(err, &de) && de.Code != "":
		return de.Code
	case domain.KindOf(err) != 0:
		return domain.KindOf(err).String()
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	}
	return "internal"
}

// spanContextIn reports whether ctx carries a valid span context.
func spanContextIn(ctx context.Context) bool { return trace.SpanContextFromContext(ctx).IsValid() }
