package logging

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"

	"github.com/webos-engine/webos/application"
)

// Attribute keys added from application.Meta.
const (
	requestIDKey     = "request_id"
	correlationIDKey = "correlation_id"
	traceIDKey       = "trace_id"
	spanIDKey        = "span_id"
)

// contextHandler adds request_id and, when set, correlation_id from the
// context's application.Meta to each record, and trace_id and span_id
// when the context carries a span (tracing on), so that a log line leads
// to its trace. Records logged without a
// context (Info rather than InfoContext) carry the zero Meta and get
// nothing. A record that already names a key keeps its own value, so a
// caller that logs request_id explicitly (for handlers other than this
// one) does not get it twice.
//
// Under WithGroup the ids land inside the open group, as every attribute
// added at Handle time does in slog.
type contextHandler struct {
	next slog.Handler
}

// Enabled defers to the wrapped handler.
func (h contextHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

// Handle adds the Meta ids missing from r and passes r on.
func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	m := application.MetaFrom(ctx)
	var add []slog.Attr
	if m.RequestID != "" && !hasAttr(r, requestIDKey) {
		add = append(add, slog.String(requestIDKey, m.RequestID))
	}
	if m.CorrelationID != "" && !hasAttr(r, correlationIDKey) {
		add = append(add, slog.String(correlationIDKey, m.CorrelationID))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() && !hasAttr(r, traceIDKey) {
		add = append(add, slog.String(traceIDKey, sc.TraceID().String()), slog.String(spanIDKey, sc.SpanID().String()))
	}
	if len(add) > 0 {
		// Clone: r may share its attribute storage with the caller's copy.
		r = r.Clone()
		r.AddAttrs(add...)
	}
	return h.next.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return contextHandler{next: h.next.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{next: h.next.WithGroup(name)}
}

func hasAttr(r slog.Record, key string) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}
