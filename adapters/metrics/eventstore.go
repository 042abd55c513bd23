package metrics

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// timedStore is an EventStore whose appends are timed; every other
// method is the wrapped store's.
type timedStore struct {
	application.EventStore
	m *Metrics
}

// Events wraps events so that each Append is recorded in the append
// latency histogram, whatever the adapter.
func (m *Metrics) Events(events application.EventStore) application.EventStore {
	return timedStore{EventStore: events, m: m}
}

// Append appends through the wrapped store and records how long it took.
func (s timedStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, events []domain.Envelope) ([]domain.Envelope, error) {
	start := time.Now()
	out, err := s.EventStore.Append(ctx, stream, expected, events)
	s.m.appends.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(attribute.String("outcome", Outcome(err))))
	return out, err
}
