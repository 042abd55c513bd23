package application_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestMeasureLag counts the events after a position, up to the limit,
// and dates the oldest, on a store whose positions have gaps: the lag is
// never the difference of two positions.
func TestMeasureLag(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	events := memory.NewWith(memory.Options{Gaps: true})
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var stored []domain.Envelope
	for i := range 6 {
		out, err := events.Append(ctx, "s", domain.AnyVersion, []domain.Envelope{{
			ID: fmt.Sprintf("e%d", i), Type: "t.Happened", RecordedAt: start.Add(time.Duration(i) * time.Minute), Data: []byte(`{}`)}})
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, out...)
	}
	for _, c := range []struct {
		after uint64
		limit int
		want  application.Lag
	}{
		{0, 10, application.Lag{Events: 6, Oldest: start}},
		{stored[1].Position, 10, application.Lag{Events: 4, Oldest: start.Add(2 * time.Minute)}},
		{stored[1].Position + 1, 10, application.Lag{Events: 4, Oldest: start.Add(2 * time.Minute)}},
		{stored[1].Position, 4, application.Lag{Events: 4, Oldest: start.Add(2 * time.Minute)}},
		{stored[1].Position, 3, application.Lag{Events: 3, More: true, Oldest: start.Add(2 * time.Minute)}},
		{0, 0, application.Lag{Events: 1, More: true, Oldest: start}},
		{stored[5].Position, 10, application.Lag{}},
	} {
		got, err := application.MeasureLag(ctx, events, c.after, c.limit)
		if err != nil || got != c.want {
			t.Errorf("MeasureLag(after %d, limit %d) = %+v, %v; want %+v", c.after, c.limit, got, err, c.want)
		}
	}
}
