package bustest

import (
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/telemetry"
)

// traceContinues traces the forwarder and the router: each event is
// published in a span that is the child of the span its trace context
// names, and the consumer's span is the child of that publishing span,
// whose trace context only the message's metadata carried across the
// broker.
func traceContinues(t *testing.T, open Factory) {
	rec := tracetest.NewSpanRecorder()
	h := newHarness(t, open)
	h.tracer = telemetry.NewTracer(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	h.start()
	evs := h.append(4, false)
	h.allOnce(evs)
	// byEvent indexes the ended spans whose name starts with prefix by
	// the event they handled.
	byEvent := func(prefix string) map[string]sdktrace.ReadOnlySpan {
		out := map[string]sdktrace.ReadOnlySpan{}
		for _, s := range rec.Ended() {
			if !strings.HasPrefix(s.Name(), prefix) {
				continue
			}
			for _, a := range s.Attributes() {
				if a.Key == "webos.event.id" {
					out[a.Value.AsString()] = s
				}
			}
		}
		return out
	}
	consumer := "bus.consume " + h.consumer
	h.eventually("every event has its forward and consume spans", func() bool {
		return len(byEvent("bus.forward ")) >= len(evs) && len(byEvent(consumer)) >= len(evs)
	})
	forwards, consumes := byEvent("bus.forward "), byEvent(consumer)
	for _, e := range evs {
		f, c := forwards[e.ID], consumes[e.ID]
		if f.Name() != "bus.forward "+bus.EventTopic(e.Type) || f.Parent().SpanID().String() != "00f067aa0ba902b7" {
			t.Errorf("event %s: forward span %q under %s, want bus.forward %s under the appending span", e.ID, f.Name(), f.Parent().SpanID(), bus.EventTopic(e.Type))
		}
		if c.Parent().SpanID() != f.SpanContext().SpanID() || c.SpanContext().TraceID() != f.SpanContext().TraceID() {
			t.Errorf("event %s: the consumer's span is under %s, not under its forward span %s", e.ID, c.Parent().SpanID(), f.SpanContext().SpanID())
		}
		if c.Parent().TraceState().Get("webos") != "t" {
			t.Errorf("event %s: tracestate %q did not cross the broker", e.ID, c.Parent().TraceState())
		}
	}
}
