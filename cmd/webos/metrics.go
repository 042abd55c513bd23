package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/webos-engine/webos/adapters/metrics"
	"github.com/webos-engine/webos/application"
)

// startMetrics serves /metrics on addr, a listen address of its own (see
// docs/observability.md for why not the API's), and returns the Metrics
// the engine records into and a stop function. An empty addr turns
// metrics off: nil Metrics, a no-op stop.
func startMetrics(addr string, log *slog.Logger) (*metrics.Metrics, func(), error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	ln, err := bind(addr)
	if err != nil {
		return nil, nil, err
	}
	m, err := metrics.New()
	if err != nil {
		_ = ln.Close()
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }() // ends with Shutdown below
	log.Info("metrics listening", "addr", "http://"+ln.Addr().String()+"/metrics")
	return m, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // stopping: nothing to report to
		_ = m.Shutdown(ctx)
	}, nil
}

// observeProjections exports each projection's lag from its status: the
// serving version's under the projection's name, and that of a version
// rebuilt in the background under its versioned name.
func (e *engine) observeProjections() error {
	if e.metrics == nil {
		return nil
	}
	return e.metrics.ObserveLag("projection", func(ctx context.Context) []metrics.Lag {
		var out []metrics.Lag
		for _, st := range e.projections.Status(ctx) {
			out = append(out, metrics.Lag{Name: st.Name, Events: int64(st.Lag), Seconds: st.LagSeconds})
			if rb := st.Rebuild; rb != nil { // a version rebuilt in the background, as "name@vN"
				out = append(out, metrics.Lag{Name: application.VersionedName(rb.Name, rb.Version), Events: int64(rb.Lag), Seconds: rb.LagSeconds})
			}
		}
		return out
	})
}

// lag measures the forwarder's lag for the metrics.
func (b *busRuntime) lag(ctx context.Context) []metrics.Lag {
	l, err := application.MeasureLag(ctx, b.events, b.fwd.Status().Position, lagLimit)
	if err != nil {
		return nil
	}
	out := metrics.Lag{Name: b.backend.Name(), Events: int64(l.Events)}
	if !l.Oldest.IsZero() {
		out.Seconds = time.Since(l.Oldest).Seconds()
	}
	return []metrics.Lag{out}
}
