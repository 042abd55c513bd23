package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/webos-engine/webos/application"
)

func TestContextIDs(t *testing.T) {
	both := application.WithMeta(context.Background(), application.Meta{RequestID: "r1", CorrelationID: "c1"})
	onlyReq := application.WithMeta(context.Background(), application.Meta{RequestID: "r2"})
	traced := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{0x4b, 0xf9, 1}, SpanID: trace.SpanID{0xf0, 2}, TraceFlags: trace.FlagsSampled}))
	tests := []struct {
		name string
		log  func(*slog.Logger)
		want map[string]any // expected keys; nil value: key must be absent
	}{
		{"no context", func(l *slog.Logger) { l.Info("x") },
			map[string]any{"request_id": nil, "correlation_id": nil}},
		{"context without meta", func(l *slog.Logger) { l.InfoContext(context.Background(), "x") },
			map[string]any{"request_id": nil, "correlation_id": nil}},
		{"request and correlation", func(l *slog.Logger) { l.InfoContext(both, "x") },
			map[string]any{"request_id": "r1", "correlation_id": "c1"}},
		{"request only", func(l *slog.Logger) { l.WarnContext(onlyReq, "x") },
			map[string]any{"request_id": "r2", "correlation_id": nil}},
		{"explicit id wins", func(l *slog.Logger) { l.InfoContext(both, "x", "request_id", "mine") },
			map[string]any{"request_id": "mine", "correlation_id": "c1"}},
		{"span in context", func(l *slog.Logger) { l.InfoContext(traced, "x") },
			map[string]any{"trace_id": "4bf90100000000000000000000000000", "span_id": "f002000000000000", "request_id": nil}},
		{"no span, no trace ids", func(l *slog.Logger) { l.InfoContext(both, "x") },
			map[string]any{"trace_id": nil, "span_id": nil}},
		{"derived logger keeps wrapper", func(l *slog.Logger) { l.With("k", "v").InfoContext(both, "x") },
			map[string]any{"request_id": "r1", "k": "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(New(&buf, slog.LevelInfo))
			if n := strings.Count(buf.String(), `"request_id"`); n > 1 {
				t.Fatalf("request_id appears %d times: %s", n, buf.String())
			}
			var rec map[string]any
			if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
				t.Fatalf("not one JSON line: %v: %q", err, buf.String())
			}
			for k, want := range tt.want {
				got, ok := rec[k]
				if want == nil && ok || want != nil && got != want {
					t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
				}
			}
		})
	}
}

func TestLevel(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, slog.LevelWarn)
	l.Info("hidden")
	l.Warn("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Fatalf("level not applied: %q", buf.String())
	}
}

func TestPipeIsJSON(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	New(w, slog.LevelInfo).Info("hello")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.NewDecoder(r).Decode(&rec); err != nil || rec["msg"] != "hello" {
		t.Fatalf("pipe output is not JSON: %v %v", rec, err)
	}
}

// TestDurationsInMillis: JSON lines carry durations as KEY_ms floats, also
// inside groups and in attributes added with With, never as nanoseconds.
func TestDurationsInMillis(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, slog.LevelInfo)
	l.With("setup", 2*time.Second).Info("x", "duration", 1234567*time.Nanosecond, slog.Group("g", "took", 1500*time.Microsecond), "count", 7)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	g, _ := rec["g"].(map[string]any)
	for name, got := range map[string]any{"duration_ms": rec["duration_ms"], "setup_ms": rec["setup_ms"], "g.took_ms": g["took_ms"], "count": rec["count"]} {
		want := map[string]float64{"duration_ms": 1.235, "setup_ms": 2000, "g.took_ms": 1.5, "count": 7}[name]
		if got != want {
			t.Errorf("%s = %v, want %v (line %s)", name, got, want, buf.String())
		}
	}
	if _, ok := rec["duration"]; ok {
		t.Errorf("raw duration still logged: %s", buf.String())
	}
}
