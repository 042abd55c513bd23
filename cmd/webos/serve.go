package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/ui"
)

type serveFlags struct {
	commonFlags
	http            httpFlags
	modules         moduleConfig
	addr            string
	demo            bool
	shutdownTimeout time.Duration
	bus             busURL
	metricsAddr     string
}

// serve runs the engine until ctx ends (SIGINT/SIGTERM), then shuts down
// in order: stop accepting and finish in-flight requests, then stop the
// sagas, then let the projections flush, then close the stores.
func serve(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var f serveFlags
	f.register(fs)
	f.registerReadModels(fs)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "`HOST:PORT` to listen on")
	fs.BoolVar(&f.demo, "demo", false, "load the sample catalogue first (idempotent)")
	fs.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 15*time.Second, "how long in-flight requests may take at shutdown")
	f.http.register(fs)
	registerBus(fs, &f.bus)
	fs.StringVar(&f.metricsAddr, "metrics-addr", "", "`HOST:PORT` serving /metrics (Prometheus text format) apart from the API; empty: no metrics")
	f.modules.register(fs)
	rest, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if err := unexpected(rest); err != nil {
		return err
	}
	// Bind first: a taken port fails before anything touches the data dir.
	ln, err := bind(f.addr)
	if err != nil {
		return err
	}
	defer func() { _ = ln.Close() }() // Serve closes it; this covers the early returns
	log := logging.New(out.stderr, f.logLevel)
	tracer, stopTracing, err := startTracing(log)
	if err != nil {
		return err
	}
	defer stopTracing() // last: after everything that could still end a span
	m, stopMetrics, err := startMetrics(f.metricsAddr, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	gw, err := f.modules.openGateway(f.dataDir)
	if err != nil {
		return err
	}
	defer func() { _ = gw.Close() }()
	e, err := openEngineWith(f.commonFlags, log, application.Roles{}, f.modules, observers{metrics: m, tracer: tracer})
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to

	projCtx, stopProjections := context.WithCancel(context.WithoutCancel(ctx))
	defer stopProjections()
	target, err := parseEventStore(string(f.eventStore), f.dataDir)
	if err != nil {
		return err
	}
	// The settings changes of other servers are followed from the head
	// taken before this one reads the settings, so none falls between.
	head, err := e.events.Head(ctx)
	if err != nil {
		return fmt.Errorf("read the event store: %w", err)
	}
	if err := e.enforceDisabledModules(ctx); err != nil {
		return err
	}
	if err := e.projections.Start(projCtx); err != nil {
		return err
	}
	following := e.followIdentity(projCtx, identitySyncEvery, log)
	e.resealAtStart(ctx, log)
	followingKeys := e.followKeys(projCtx, keysFollowEvery, log)
	followingSettings := e.followSettings(projCtx, head, target.scheme == "sqlite", log)
	if e.bus, err = startBus(projCtx, e, f.bus, log); err != nil {
		return err
	}
	defer e.bus.close()
	sagaCtx, stopSagas := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSagas()
	waitSagas, err := startSagas(sagaCtx, e, log)
	if err != nil {
		return err
	}
	defer func() { stopSagas(); waitSagas() }() // before the stores close, on every return
	stopJobs, err := startJobs(context.WithoutCancel(ctx), e, target.scheme == "sqlite", log)
	if err != nil {
		return err
	}
	defer stopJobs() // before the stores close, on every return
	if f.demo {
		if err := e.demoUsers(asSystem(ctx, "demo"), out.stderr); err != nil {
			return fmt.Errorf("demo users: %w", err)
		}
		n, err := e.app.SeedDemo(asSystem(ctx, "demo"), e.modules)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if n == 0 {
			log.Info("demo data already loaded")
		} else {
			log.Info("demo data loaded", "batches", n)
		}
	}
	if e.directory.Empty(ctx) {
		secret, err := e.auth.CreateSetupLink(ctx, "")
		if err != nil {
			return err
		}
		fmt.Fprintf(out.stderr, "\nNo user exists yet. Open this one-time link within 24 hours to create the administrator:\n\n  http://%s/setup#%s\n\n",
			ln.Addr(), secret)
	}
	// Start-up (migrations, the identity directory, the demo users'
	// argon2id hashes of 32 MiB each) leaves garbage that would otherwise
	// stay resident while the server idles: give it back to the system
	// once, before serving.
	debug.FreeOSMemory()
	err = listen(ctx, ln, e, f, log)
	// No command can arrive any more: stop the jobs and the sagas (what
	// they did not finish is recovered at the next start), then the
	// projections.
	stopJobs()
	stopSagas()
	waitSagas()
	stopProjections()
	e.projections.Wait()
	<-following
	<-followingKeys
	<-followingSettings
	// No command can arrive any more: bring every projection up to the
	// head, so a clean stop leaves nothing for the next start to replay.
	drainCtx, cancel := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer cancel()
	if cerr := e.projections.CatchUp(drainCtx); cerr != nil {
		log.Warn("projections not caught up at shutdown; they resume at the next start", "error", cerr)
	}
	log.Info("stopped")
	return err
}

func listen(ctx context.Context, ln net.Listener, e *engine, f serveFlags, log *slog.Logger) error {
	srv := f.http.server(httpapi.New(httpapi.Config{
		App: e.app, Events: e.events, Projections: e.projections.Status, AwaitPosition: e.projections.WaitFor, Bus: e.bus.status,
		Ready: e.ready, Logger: log, Version: engineVersion(), NewID: newID,
		AllowedHosts: f.http.hosts(f.addr, ln.Addr()), Home: ui.Home(e.homePage), Auth: e.auth,
		SignIn: ui.SignIn(), Script: ui.Script(), Settings: e.settings,
	}))
	srv.BaseContext = func(net.Listener) context.Context { return context.WithoutCancel(ctx) }
	log.Info("webos listening", "addr", "http://"+ln.Addr().String(), "data_dir", f.dataDir, "version", engineVersion())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), f.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
