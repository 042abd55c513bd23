package bus

import (
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/application"
)

// MessageTraceContext returns the W3C trace context in m's metadata
// (MetaTraceParent, MetaTraceState), nil when it has none.
func MessageTraceContext(m *message.Message) map[string]string {
	parent := m.Metadata.Get(MetaTraceParent)
	if parent == "" {
		return nil
	}
	tc := map[string]string{"traceparent": parent}
	if state := m.Metadata.Get(MetaTraceState); state != "" {
		tc["tracestate"] = state
	}
	return tc
}

// SetMessageTraceContext makes tc, a W3C trace context, the one m's
// metadata carries; a nil tc leaves m as it is.
func SetMessageTraceContext(m *message.Message, tc map[string]string) {
	if tc == nil {
		return
	}
	delete(m.Metadata, MetaTraceState)
	setIf(m.Metadata, MetaTraceParent, tc["traceparent"])
	setIf(m.Metadata, MetaTraceState, tc["tracestate"])
}

// TraceOnSend records the trace of the span in m's context in m's
// metadata: a Watermill CQRS OnSend or OnPublish hook, run after the bus
// set the message's context. A nil t (tracing off) changes nothing.
func TraceOnSend(t application.Tracer, m *message.Message) {
	if t != nil {
		SetMessageTraceContext(m, t.TraceContext(m.Context()))
	}
}

// Traced runs each message handled by the router in a consumer span of t
// named name and the handler's name, the child of the span whose trace context the message's
// metadata carries; the handler's context (m.Context()) carries the span.
// A nil t returns a middleware that only calls the handler.
func Traced(t application.Tracer, name string) message.HandlerMiddleware {
	return func(next message.HandlerFunc) message.HandlerFunc {
		if t == nil {
			return next
		}
		return func(m *message.Message) ([]*message.Message, error) {
			ctx, span := t.Start(m.Context(), name+" "+message.HandlerNameFromCtx(m.Context()), application.SpanOptions{
				Kind: application.SpanConsumer, Parent: MessageTraceContext(m),
				Attrs: []application.SpanAttr{application.StrAttr("messaging.message.id", m.UUID)},
			})
			m.SetContext(ctx)
			out, err := next(m)
			span.End(err)
			return out, err
		}
	}
}
