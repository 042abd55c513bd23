package main

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/adapters/telemetry"
	"github.com/webos-engine/webos/application"
)

// discard is a span exporter that drops what it is given: the SDK's whole
// cost (spans, the batch processor) without a network.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// BenchmarkTracingOverhead measures command latency (warehouse.ReceiveStock
// through app.Dispatch: pipeline, append to SQLite, with the projections
// running) on two engines in the same run: tracing off (no tracer, as
// serve without OTEL_*) and on (the OpenTelemetry SDK, every span sampled,
// a batch span processor feeding an exporter that drops the spans). The
// engines take turns in blocks of 50 commands, so load swings hit both;
// reported are each one's p50 and p99 and the ratio of the p50s.
func BenchmarkTracingOverhead(b *testing.B) {
	log := logging.New(io.Discard, 8)
	open := func(obs observers) (*engine, context.Context) {
		e, err := openEngineWith(commonFlags{dataDir: b.TempDir()}, log, application.AllowAll{}, moduleConfig{}, obs)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		b.Cleanup(func() { cancel(); e.projections.Wait(); _ = e.close() })
		if err := e.projections.Start(ctx); err != nil {
			b.Fatal(err)
		}
		for i := range 50 {
			body := fmt.Sprintf(`{"sku":"SKU-%d","name":"Item","unit":"pcs","lowStockThreshold":1}`, i)
			if _, err := e.app.Dispatch(ctx, "warehouse.RegisterItem", []byte(body)); err != nil {
				b.Fatal(err)
			}
		}
		return e, ctx
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(discard{}))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	off, offCtx := open(observers{})
	on, onCtx := open(observers{tracer: telemetry.NewTracer(tp)})
	run := func(e *engine, ctx context.Context, i int) time.Duration {
		body := fmt.Sprintf(`{"sku":"SKU-%d","quantity":1,"reference":"bench"}`, i%50)
		start := time.Now()
		if _, err := e.app.Dispatch(ctx, "warehouse.ReceiveStock", []byte(body)); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var offs, ons []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; {
		for j := 0; j < 50 && i+j < b.N; j++ {
			offs = append(offs, run(off, offCtx, i+j))
		}
		for j := 0; j < 50 && i+j < b.N; j++ {
			ons = append(ons, run(on, onCtx, i+j))
		}
		i += 50
	}
	b.StopTimer()
	p50off, p99off := percentiles(offs)
	p50on, p99on := percentiles(ons)
	b.ReportMetric(float64(p50off.Microseconds()), "off-p50-µs")
	b.ReportMetric(float64(p99off.Microseconds()), "off-p99-µs")
	b.ReportMetric(float64(p50on.Microseconds()), "on-p50-µs")
	b.ReportMetric(float64(p99on.Microseconds()), "on-p99-µs")
	b.ReportMetric(float64(p50on)/float64(p50off), "on/off-p50")
}
