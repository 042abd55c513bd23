package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/telemetry"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func TestReadEnv(t *testing.T) {
	cases := []struct {
		env   map[string]string
		proto string
		bad   string // the variable the error names
	}{
		{env: nil},
		{env: map[string]string{"OTEL_SERVICE_NAME": "x", "OTEL_TRACES_SAMPLER": "always_on"}},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, proto: "http/protobuf"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, proto: "http/protobuf"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://c/v1/traces", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, proto: "grpc"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"}, proto: "grpc"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_TRACES_EXPORTER": "none"}},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "TRUE"}},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "jaeger"}, bad: "OTEL_TRACES_EXPORTER"},
		{env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, bad: "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "c:4318"}, bad: "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://u:pw@"}, bad: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"},
	}
	for _, c := range cases {
		cfg, err := telemetry.ReadEnv(func(k string) string { return c.env[k] })
		switch {
		case c.bad != "":
			if err == nil || !strings.HasPrefix(err.Error(), c.bad) || strings.Contains(err.Error(), "pw") {
				t.Errorf("%v: error %v, want one naming %s only", c.env, err, c.bad)
			}
		case err != nil || cfg.Protocol != c.proto:
			t.Errorf("%v: protocol %q, %v; want %q", c.env, cfg.Protocol, err, c.proto)
		}
	}
}

func newRecorder() (*tracetest.SpanRecorder, *telemetry.Tracer) {
	rec := tracetest.NewSpanRecorder()
	return rec, telemetry.NewTracer(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
}

const remote = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func TestParentAndLinks(t *testing.T) {
	rec, tr := newRecorder()
	ctx, outer := tr.Start(context.Background(), "outer", application.SpanOptions{})
	_, child := tr.Start(ctx, "child", application.SpanOptions{})
	other := map[string]string{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
	_, consumer := tr.Start(ctx, "consumer", application.SpanOptions{Kind: application.SpanConsumer,
		Parent: map[string]string{"traceparent": remote, "tracestate": "k=v"}, Links: []map[string]string{other, {"traceparent": "garbage"}}})
	_, orphan := tr.Start(ctx, "bad parent", application.SpanOptions{Parent: map[string]string{"traceparent": "00-zz"}})
	for _, s := range []application.Span{orphan, consumer, child, outer} {
		s.End(nil)
	}
	got := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		got[s.Name()] = s
	}
	if got["child"].Parent().SpanID() != got["outer"].SpanContext().SpanID() {
		t.Error("a span started from a context is not the child of the context's span")
	}
	c := got["consumer"]
	if c.Parent().SpanID().String() != "00f067aa0ba902b7" || c.SpanContext().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" ||
		c.Parent().TraceState().Get("k") != "v" {
		t.Errorf("consumer: parent %v, trace %s; want the remote parent's", c.Parent(), c.SpanContext().TraceID())
	}
	if len(c.Links()) != 1 || c.Links()[0].SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("consumer links %v, want the one valid trace context", c.Links())
	}
	if got["bad parent"].Parent().SpanID() != got["outer"].SpanContext().SpanID() {
		t.Error("a malformed parent trace context should leave the context's span as parent")
	}
}

func TestErrorsRecordKindNotText(t *testing.T) {
	rec, tr := newRecorder()
	for _, err := range []error{
		fmt.Errorf("insert: %w", errors.New(`pq: password "hunter2" for postgres://u:hunter2@db`)),
		domain.Errorf(domain.KindRejected, "out_of_stock", "only %d of hunter2 left", 3),
	} {
		_, s := tr.Start(context.Background(), "op", application.SpanOptions{})
		s.End(err)
	}
	want := []string{"internal", "out_of_stock"}
	for i, s := range rec.Ended() {
		if s.Status().Code != codes.Error || s.Status().Description != want[i] {
			t.Errorf("status %v, want error %q", s.Status(), want[i])
		}
		for _, a := range s.Attributes() {
			if strings.Contains(a.Value.String(), "hunter2") {
				t.Errorf("attribute %s holds the error's text", a.Key)
			}
		}
		if len(s.Events()) > 0 {
			t.Errorf("span events %v: the error's text must not be recorded", s.Events())
		}
	}
}

// TestAppendRecordsItsSpan: the traced store appends in a span that is
// the child of the caller's and stamps the events with that span's trace
// context, leaving the caller's envelopes alone; without a span in the
// context it continues the trace the events already carry.
func TestAppendRecordsItsSpan(t *testing.T) {
	rec, tr := newRecorder()
	store := tr.Events(memory.New())
	ctx, cmd := tr.Start(context.Background(), "command", application.SpanOptions{})
	given := []domain.Envelope{{ID: "e1", Type: "t.Happened", SchemaVersion: 1, Data: []byte(`{}`),
		TraceContext: map[string]string{"traceparent": remote}}}
	stored, err := store.Append(ctx, "s-1", domain.NoStream, given)
	cmd.End(err)
	if err != nil {
		t.Fatal(err)
	}
	if given[0].TraceContext["traceparent"] != remote {
		t.Error("the caller's envelope was changed")
	}
	spans := rec.Ended()
	appended := spans[0]
	if appended.Name() != "eventstore.append" || appended.Parent().SpanID() != spans[1].SpanContext().SpanID() {
		t.Fatalf("append span %q under %s, want eventstore.append under the command", appended.Name(), appended.Parent().SpanID())
	}
	want := fmt.Sprintf("00-%s-%s-01", appended.SpanContext().TraceID(), appended.SpanContext().SpanID())
	read, _ := store.ReadStream(context.Background(), "s-1", 0, application.Forward, 0)
	if stored[0].TraceContext["traceparent"] != want || read[0].TraceContext["traceparent"] != want {
		t.Errorf("stored traceparent %q (read %q), want the append span's %q", stored[0].TraceContext["traceparent"], read[0].TraceContext["traceparent"], want)
	}
	if _, err := store.Append(context.Background(), "s-2", domain.NoStream, []domain.Envelope{{ID: "e2", Type: "t.Happened", SchemaVersion: 1,
		Data: []byte(`{}`), TraceContext: map[string]string{"traceparent": remote}}}); err != nil {
		t.Fatal(err)
	}
	last := rec.Ended()[2]
	if last.Parent().SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("an append without a span in its context has parent %s, want the events' recorded one", last.Parent().SpanID())
	}
}
