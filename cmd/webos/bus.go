package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/application"
)

// lagLimit bounds the events counted for the forwarder's lag.
const lagLimit = 10_000

// busRuntime is the event bus serve runs: the backend, the router of the
// bus consumers, and the forwarder that publishes every stored event.
type busRuntime struct {
	backend bus.Backend
	router  *bus.Router
	fwd     *bus.Forwarder
	poison  *bus.Poison
	events  application.EventStore
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// startBus opens the bus u names and runs consumers on it, then the
// forwarder (consumers first: GoChannel keeps nothing for a topic nobody
// reads yet). The forwarder's checkpoint is kept per bus in the
// read-model store. It stops when ctx ends or stop is called.
func startBus(ctx context.Context, e *engine, u busURL, log *slog.Logger, consumers ...application.BusConsumer) (*busRuntime, error) {
	backend, err := openBus(u, log)
	if err != nil {
		return nil, err
	}
	b := &busRuntime{backend: backend, poison: bus.NewPoison(e.models), events: e.events}
	opts := bus.RouterOptions{Tracer: e.app.Tracer()}
	if e.metrics != nil {
		opts.OnRetry, opts.OnPoisoned = e.metrics.Retry, e.metrics.Poisoned
	}
	if b.router, err = bus.NewRouter(backend, b.poison, log, opts); err != nil {
		return nil, errors.Join(err, backend.Close())
	}
	for _, c := range consumers {
		if err := b.router.Add(c); err != nil {
			return nil, errors.Join(err, backend.Close())
		}
	}
	ctx, b.stop = context.WithCancel(ctx)
	routed := make(chan error, 1)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		routed <- b.router.Run(ctx)
	}()
	select {
	case <-b.router.Running():
	case err := <-routed:
		b.stop()
		return nil, errors.Join(fmt.Errorf("bus consumers on %s: %w", backend.Name(), err), backend.Close())
	case <-time.After(30 * time.Second):
		b.close()
		return nil, fmt.Errorf("bus consumers on %s did not start within 30s", backend.Name())
	}
	b.fwd = bus.NewForwarder(e.events, backend.Publisher(), e.checkpoints(), backend.Name(), log,
		bus.ForwarderOptions{Checkpoint: bus.ForwarderCheckpoint + " " + backend.Name(), Tracer: e.app.Tracer()})
	if e.metrics != nil {
		if err := e.metrics.ObserveLag("forwarder", b.lag); err != nil {
			b.close()
			return nil, err
		}
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		_ = b.fwd.Run(ctx) // returns nil when ctx ends; failures are retried inside
	}()
	log.Info("bus forwarder started", "bus", backend.Name(), "consumers", len(consumers))
	return b, nil
}

// close stops the forwarder and the consumers, then the backend.
func (b *busRuntime) close() {
	b.stop()
	b.wg.Wait()
	_ = b.backend.Close() // stopping: nothing to report to
}

// ready tells /readyz that the forwarder is failing, or that the
// backend's connection is down while it has nothing to forward.
func (b *busRuntime) ready(ctx context.Context) error {
	if b == nil || b.fwd == nil {
		return nil
	}
	err := b.fwd.Ready()
	if c, ok := b.backend.(bus.Checker); ok && err == nil {
		err = c.Check(ctx)
	}
	if err != nil {
		return &httpapi.NotReady{Reason: "bus_unavailable", Err: err}
	}
	return nil
}

// busStatus is the bus part of /api/modules.
type busStatus struct {
	Forwarder bus.ForwarderStatus `json:"forwarder"`
	// Lag counts the stored events not yet forwarded, up to lagLimit
	// (LagCapped: more than that).
	Lag       int  `json:"lag"`
	LagCapped bool `json:"lagCapped,omitempty"`
	// Poison counts the messages consumers gave up on, waiting in the
	// archive for `webos bus poison replay`.
	Poison int `json:"poison"`
}

// status reports the forwarder, its lag and the poison archive; a part
// that cannot be measured is left out and logged by the caller's
// /readyz instead.
func (b *busRuntime) status(ctx context.Context) any {
	st := busStatus{Forwarder: b.fwd.Status()}
	if lag, err := application.MeasureLag(ctx, b.events, st.Forwarder.Position, lagLimit); err == nil {
		st.Lag, st.LagCapped = lag.Events, lag.More
	}
	if recs, err := b.poison.List(ctx, false); err == nil {
		st.Poison = len(recs)
	}
	return st
}
