// Package metrics measures the engine with OpenTelemetry metrics and
// serves them in the Prometheus text format: command and event-store
// append latency (histograms), projection and forwarder lag (gauges read
// at each scrape), bus consumer retries and poison messages (counters).
package metrics

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	promclient "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/webos-engine/webos/domain"
)

// scope names the engine's instruments.
const scope = "github.com/webos-engine/webos"

// latencyBuckets are the histogram bounds in seconds: 100µs to 10s.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Metrics holds the engine's instruments and the Prometheus registry
// they are exported to.
type Metrics struct {
	provider *sdkmetric.MeterProvider
	meter    metric.Meter
	registry *promclient.Registry
	commands metric.Float64Histogram
	appends  metric.Float64Histogram
	retries  metric.Int64Counter
	poisoned metric.Int64Counter
}

// New returns Metrics exporting to a registry of its own (not the
// process-wide default one, so tests and several engines never mix).
func New() (*Metrics, error) {
	reg := promclient.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo())
	if err != nil {
		return nil, err
	}
	p := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp))
	m := &Metrics{provider: p, meter: p.Meter(scope), registry: reg}
	seconds := metric.WithExplicitBucketBoundaries(latencyBuckets...)
	var errs [4]error
	m.commands, errs[0] = m.meter.Float64Histogram("webos.command.duration", metric.WithUnit("s"), seconds,
		metric.WithDescription("Time to run a command through the pipeline, by command and outcome."))
	m.appends, errs[1] = m.meter.Float64Histogram("webos.eventstore.append.duration", metric.WithUnit("s"), seconds,
		metric.WithDescription("Time of one event-store append, by outcome."))
	m.retries, errs[2] = m.meter.Int64Counter("webos.bus.consumer.retries",
		metric.WithDescription("Times a bus consumer's handler was tried again after failing."))
	m.poisoned, errs[3] = m.meter.Int64Counter("webos.bus.consumer.poisoned",
		metric.WithDescription("Messages a bus consumer gave up on and sent to the poison archive."))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return m, nil
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// Shutdown stops the meter provider.
func (m *Metrics) Shutdown(ctx context.Context) error { return m.provider.Shutdown(ctx) }

// Command records one command run: its name, how long it took and its
// outcome (see Outcome).
func (m *Metrics) Command(ctx context.Context, name string, err error, took time.Duration) {
	m.commands.Record(ctx, took.Seconds(), metric.WithAttributes(
		attribute.String("command", name), attribute.String("outcome", Outcome(err))))
}

// Retry counts one retry of the bus consumer's handler.
func (m *Metrics) Retry(consumer string) {
	m.retries.Add(context.Background(), 1, metric.WithAttributes(attribute.String("consumer", consumer)))
}

// Poisoned counts one message the bus consumer gave up on.
func (m *Metrics) Poisoned(consumer string) {
	m.poisoned.Add(context.Background(), 1, metric.WithAttributes(attribute.String("consumer", consumer)))
}

// Outcome names how a call ended, as a label with few values: "ok", the
// domain error kind ("invalid", "not_found", "conflict", "forbidden",
// "rejected", "unauthenticated") or "error" for anything else.
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	if k := domain.KindOf(err).String(); k != "" {
		return strings.ReplaceAll(k, " ", "_")
	}
	return "error"
}
