package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/metrics"
	"github.com/webos-engine/webos/domain"
)

// scrape returns the value of every sample of the Prometheus text
// exposition, keyed by the sample's name and labels as written.
func scrape(t *testing.T, m *metrics.Metrics) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", http.NoBody))
	body, _ := io.ReadAll(rec.Body)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics: %d %s\n%s", rec.Code, rec.Header().Get("Content-Type"), body)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

func newMetrics(t *testing.T) *metrics.Metrics {
	t.Helper()
	m, err := metrics.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown(context.Background()) })
	return m
}

func TestCommandLatencyByCommandAndOutcome(t *testing.T) {
	m := newMetrics(t)
	ctx := context.Background()
	m.Command(ctx, "orders.PlaceOrder", nil, 3*time.Millisecond)
	const ok = `webos_command_duration_seconds_count{command="orders.PlaceOrder",outcome="ok"}`
	if got := scrape(t, m)[ok]; got != 1 {
		t.Fatalf("%s = %v, want 1", ok, got)
	}
	m.Command(ctx, "orders.PlaceOrder", nil, time.Millisecond)
	m.Command(ctx, "orders.PlaceOrder", domain.Errorf(domain.KindNotFound, "no_order", "no"), time.Millisecond)
	m.Command(ctx, "orders.PlaceOrder", errors.New("disk full"), time.Millisecond)
	s := scrape(t, m)
	for name, want := range map[string]float64{
		ok: 2,
		`webos_command_duration_seconds_count{command="orders.PlaceOrder",outcome="not_found"}`:        1,
		`webos_command_duration_seconds_count{command="orders.PlaceOrder",outcome="error"}`:            1,
		`webos_command_duration_seconds_bucket{command="orders.PlaceOrder",outcome="ok",le="0.0025"}`:  1,
		`webos_command_duration_seconds_bucket{command="orders.PlaceOrder",outcome="ok",le="0.005"}`:   2,
		`webos_command_duration_seconds_bucket{command="orders.PlaceOrder",outcome="error",le="+Inf"}`: 1,
	} {
		if s[name] != want {
			t.Errorf("%s = %v, want %v", name, s[name], want)
		}
	}
	if sum := s[`webos_command_duration_seconds_sum{command="orders.PlaceOrder",outcome="ok"}`]; sum < 0.0039 || sum > 0.0041 {
		t.Errorf("sum of ok latencies = %v, want 0.004", sum)
	}
}

func TestAppendLatencyWrapsAnyStore(t *testing.T) {
	m := newMetrics(t)
	ctx := context.Background()
	events := m.Events(memory.New())
	ev := func(id string) []domain.Envelope {
		return []domain.Envelope{{ID: id, Type: "t.Happened", SchemaVersion: 1, Data: []byte(`{}`)}}
	}
	if _, err := events.Append(ctx, "s-1", domain.NoStream, ev("e1")); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Append(ctx, "s-1", domain.NoStream, ev("e2")); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("second append at NoStream: %v, want a conflict", err)
	}
	if v, err := events.StreamVersion(ctx, "s-1"); err != nil || v != 1 {
		t.Fatalf("the wrapper changed what is stored: version %d, %v", v, err)
	}
	s := scrape(t, m)
	for _, outcome := range []string{"ok", "conflict"} {
		name := `webos_eventstore_append_duration_seconds_count{outcome="` + outcome + `"}`
		if s[name] != 1 {
			t.Errorf("%s = %v, want 1", name, s[name])
		}
	}
}

func TestBusCounters(t *testing.T) {
	m := newMetrics(t)
	m.Retry("mail")
	m.Retry("mail")
	m.Poisoned("mail")
	s := scrape(t, m)
	if got := s[`webos_bus_consumer_retries_total{consumer="mail"}`]; got != 2 {
		t.Errorf("retries = %v, want 2", got)
	}
	if got := s[`webos_bus_consumer_poisoned_total{consumer="mail"}`]; got != 1 {
		t.Errorf("poisoned = %v, want 1", got)
	}
}

func TestLagGaugesAreReadAtEachScrape(t *testing.T) {
	m := newMetrics(t)
	lag := metrics.Lag{Name: "orders.list", Events: 7, Seconds: 1.5}
	if err := m.ObserveLag("projection", func(context.Context) []metrics.Lag { return []metrics.Lag{lag} }); err != nil {
		t.Fatal(err)
	}
	s := scrape(t, m)
	if s[`webos_projection_lag_events{projection="orders.list"}`] != 7 || s[`webos_projection_lag_seconds{projection="orders.list"}`] != 1.5 {
		t.Fatalf("lag gauges: %v", filter(s, "webos_projection_lag"))
	}
	lag = metrics.Lag{Name: "orders.list"}
	s = scrape(t, m)
	if s[`webos_projection_lag_events{projection="orders.list"}`] != 0 || s[`webos_projection_lag_seconds{projection="orders.list"}`] != 0 {
		t.Fatalf("lag gauges after catching up: %v", filter(s, "webos_projection_lag"))
	}
}

func filter(s map[string]float64, prefix string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range s {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
