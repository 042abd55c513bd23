package application_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/application"
)

// TestStartSpanOff: with no tracer a span is a no-op and the context is
// handed back as it was.
type ctxKey struct{}

func TestStartSpanOff(t *testing.T) {
	ctx := context.WithValue(context.Background(), ctxKey{}, 1)
	got, span := application.StartSpan(ctx, nil, "x", application.SpanOptions{})
	if got != ctx || span == nil {
		t.Fatalf("StartSpan with no tracer: %v, %v", got, span)
	}
	span.SetAttributes(application.StrAttr("k", "v"))
	span.End(nil)
}

// BenchmarkStartSpanOff is what a traced spot costs with tracing off.
func BenchmarkStartSpanOff(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, span := application.StartSpan(ctx, nil, "command", application.SpanOptions{})
		span.End(nil)
	}
}
