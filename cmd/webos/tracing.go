package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"go.opentelemetry.io/otel"

	"github.com/webos-engine/webos/adapters/metrics"
	"github.com/webos-engine/webos/adapters/telemetry"
	"github.com/webos-engine/webos/application"
)

// observers measure the engine: metrics when serve has --metrics-addr,
// traces when the OTEL_* environment turns the exporter on. Either may be
// nil (off).
type observers struct {
	metrics *metrics.Metrics
	tracer  *telemetry.Tracer
}

// appTracer is the tracer as the application port sees it: nil, not a
// nil *telemetry.Tracer in an interface, when tracing is off.
func (o observers) appTracer() application.Tracer {
	if o.tracer == nil {
		return nil
	}
	return o.tracer
}

// startTracing turns tracing on when the standard OTEL_* variables ask
// for the OTLP exporter (see docs/observability.md) and returns the tracer
// (nil when off) and a stop function that exports what is still buffered.
// A variable the engine cannot honour fails the start.
func startTracing(log *slog.Logger) (*telemetry.Tracer, func(), error) {
	cfg, err := telemetry.ReadEnv(os.Getenv)
	if err != nil {
		return nil, nil, usagef("tracing: %v", err)
	}
	t, err := telemetry.Start(context.Background(), cfg, engineVersion())
	if err != nil {
		return nil, nil, fmt.Errorf("tracing: %w", err)
	}
	if t == nil {
		return nil, func() {}, nil
	}
	// The exporter reports failed exports here; their text names the
	// endpoint and the cause, never the headers (which may hold a key).
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("tracing: export failed", "error", err) }))
	log.Info("tracing on: spans are exported over OTLP", "protocol", cfg.Protocol)
	return t, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := t.Shutdown(ctx); err != nil {
			log.Warn("tracing: the last spans were not exported", "error", err)
		}
	}, nil
}
