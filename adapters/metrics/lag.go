package metrics

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Lag is how far one feed consumer (a projection, the bus forwarder) is
// behind the event store's head.
type Lag struct {
	// Name labels the consumer.
	Name string
	// Events is how many stored events it has not applied yet (counted up
	// to a bound by the caller).
	Events int64
	// Seconds is the age of the oldest of them, 0 when caught up.
	Seconds float64
}

// ObserveLag registers the gauges webos_<kind>_lag_events and
// webos_<kind>_lag_seconds, labelled kind=Name, read from measure at each
// scrape. kind is a lower-case word such as "projection" or "forwarder".
func (m *Metrics) ObserveLag(kind string, measure func(context.Context) []Lag) error {
	events, err := m.meter.Int64ObservableGauge("webos."+kind+".lag.events",
		metric.WithDescription("Stored events the "+kind+" has not applied yet."))
	if err != nil {
		return err
	}
	seconds, err := m.meter.Float64ObservableGauge("webos."+kind+".lag.seconds", metric.WithUnit("s"),
		metric.WithDescription("Age of the oldest event the "+kind+" has not applied yet."))
	if err != nil {
		return err
	}
	_, err = m.meter.RegisterCallback(func(ctx context.Context, o metric.Observer) error {
		for _, l := range measure(ctx) {
			at := metric.WithAttributes(attribute.String(kind, l.Name))
			o.ObserveInt64(events, l.Events, at)
			o.ObserveFloat64(seconds, l.Seconds, at)
		}
		return nil
	}, events, seconds)
	return err
}
