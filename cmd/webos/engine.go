package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/adapters/eventstore/health"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/jsonschema"
	"github.com/webos-engine/webos/adapters/metrics"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/jobs"
	"github.com/webos-engine/webos/modules/identity"
	"github.com/webos-engine/webos/projections"
	"github.com/webos-engine/webos/sagas"
	"github.com/webos-engine/webos/settings"
)

// engine is everything a data-dir command runs on.
type engine struct {
	events      *health.Store
	models      application.ReadModelStore
	snapshots   application.SnapshotStore
	app         *application.App
	projections *projections.Runtime
	modules     []application.Module
	directory   *identity.Directory
	// sagas is the engine's own sagas module; serve hands it the runtime.
	sagas *sagas.Module
	// jobs is the engine's own jobs module; serve hands it the runtime.
	jobs      *jobs.Module
	auth      *auth.Service
	authStore *auth.Store
	settings  *settings.Service
	// keys is the master keyring that seals the settings' and auth.db's
	// secrets.
	keys   *settings.Keyring
	unlock func()
	// bus is the event bus serve runs (startBus); nil elsewhere.
	bus *busRuntime
	// metrics measures the engine when serve has --metrics-addr; nil
	// otherwise.
	metrics *metrics.Metrics
	// own is the event store as opened, under the wrappers that measure
	// and trace it: what it implements besides the EventStore port (a
	// CheckpointStore) shows through it only.
	own application.EventStore
}

// newApp builds the kernel on the given stores, with role-based
// authorisation, and loads the identity, sagas and settings modules and
// the business modules (the settings without a master key: they cannot
// seal secrets).
func newApp(events application.EventStore, models application.ReadModelStore, snapshots application.SnapshotStore, log *slog.Logger) (*application.App, []application.Module, *identity.Directory) {
	k, err := newAppWith(events, models, snapshots, log, application.Roles{}, moduleConfig{}, nil, observers{})
	if err != nil {
		panic(err) // the built-in modules' settings are checked by the tests
	}
	return k.app, k.modules, k.directory
}

// kernel is what newAppWith builds.
type kernel struct {
	app       *application.App
	modules   []application.Module
	directory *identity.Directory
	settings  *settings.Service
}

// newAppWith is newApp with the Authorizer az (the benchmarks compare
// application.Roles with application.AllowAll), the modules configured by
// cfg and the settings' master key, measured and traced by obs.
func newAppWith(events application.EventStore, models application.ReadModelStore, snapshots application.SnapshotStore, log *slog.Logger,
	az application.Authorizer, cfg moduleConfig, keys *settings.Keyring, obs observers) (kernel, error) {
	deps := application.Deps{
		Events: events, ReadModels: models, Snapshots: snapshots, Validator: jsonschema.NewValidator(),
		Authorizer: az, NewID: newID, Logger: log, Tracer: obs.appTracer(),
	}
	if obs.metrics != nil {
		deps.ObserveCommand = obs.metrics.Command
	}
	app := application.New(deps)
	sets := settings.New(app, keys, jsonschema.NewValidator(), jsonschema.Generate)
	id := identity.New(events, snapshots)
	mods := append([]application.Module{id, &sagas.Module{}, &jobs.Module{}, sets.Module()}, modules(cfg)...)
	app.Load(mods...)
	if err := errors.Join(sets.RegisterCore(), sets.RegisterModules(mods)); err != nil {
		return kernel{}, err
	}
	return kernel{app: app, modules: mods, directory: id.Directory(), settings: sets}, nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// ownModule returns the module of type M among mods: the engine's own sagas
// and jobs modules.
func ownModule[M application.Module](mods []application.Module) M {
	for _, m := range mods {
		if found, ok := m.(M); ok {
			return found
		}
	}
	var none M
	return none
}

// openEngine locks the data dir and opens the stores c names: the
// embedded SQLite ones in it by default.
func openEngine(c commonFlags, log *slog.Logger) (*engine, error) {
	return openEngineWith(c, log, application.Roles{}, moduleConfig{}, observers{})
}

// openEngineWith is openEngine with the Authorizer az and the modules
// configured by cfg, measured and traced by obs.
func openEngineWith(c commonFlags, log *slog.Logger, az application.Authorizer, cfg moduleConfig, obs observers) (*engine, error) {
	dataDir := c.dataDir
	unlock, err := lockDataDir(dataDir)
	if err != nil {
		return nil, err
	}
	st, err := openStores(context.Background(), c, log)
	if err != nil {
		unlock()
		return nil, err
	}
	store := st.events
	if obs.metrics != nil {
		store = obs.metrics.Events(store)
	}
	if obs.tracer != nil {
		store = obs.tracer.Events(store)
	}
	events := health.Track(store)
	keys, err := settings.LoadKeyring(dataDir, os.Getenv("WEBOS_MASTER_KEY"))
	if err != nil {
		unlock()
		return nil, errors.Join(err, st.close())
	}
	// Views read each projection's collections from the version serving
	// them, which the projection runtime switches (docs/derived-stores.md).
	views := projections.NewViewStore(st.models)
	k, err := newAppWith(events, views, st.snapshots, log, az, cfg, keys, obs)
	if err != nil {
		unlock()
		return nil, errors.Join(err, st.close())
	}
	app, mods, dir := k.app, k.modules, k.directory
	opts := projections.Options{Views: views, Tracer: app.Tracer()}
	testHooks(app.Projections(), &opts, log)
	rt := projections.New(events, st.models, app.Events(), app.Projections(), log, opts)
	if err := rt.Declare(context.Background()); err != nil {
		unlock()
		return nil, errors.Join(fmt.Errorf("%s: %w", readModelsName(c), err), st.close())
	}
	if err := dir.Sync(context.Background()); err != nil {
		unlock()
		return nil, errors.Join(err, st.close())
	}
	as, err := auth.OpenStore(filepath.Join(dataDir, "auth.db"), keys)
	if err != nil {
		unlock()
		return nil, errors.Join(err, st.close())
	}
	e := &engine{events: events, models: st.models, snapshots: st.snapshots, app: app, projections: rt, modules: mods,
		directory: dir, sagas: ownModule[*sagas.Module](mods), jobs: ownModule[*jobs.Module](mods), authStore: as, settings: k.settings, keys: keys, unlock: unlock,
		metrics: obs.metrics, own: st.events}
	if err := e.observeProjections(); err != nil {
		return nil, errors.Join(err, e.close())
	}
	e.auth = auth.New(auth.Config{Accounts: dir, Store: as, Logger: log, CreateAdmin: e.createAdmin})
	return e, nil
}

// ready reports whether the event store's recent reads and appends
// worked and the read-model store answers, with a reason code for
// /readyz.
func (e *engine) ready(ctx context.Context) error {
	if err := e.events.Check(ctx); err != nil {
		return &httpapi.NotReady{Reason: "event_store_unavailable", Err: err}
	}
	if _, err := e.models.Checkpoint(ctx, ""); err != nil {
		return &httpapi.NotReady{Reason: "read_model_store_unavailable", Err: err}
	}
	return e.bus.ready(ctx)
}

// close closes the stores and releases the data dir.
func (e *engine) close() error {
	err := errors.Join(e.events.Close(), e.models.Close(), e.snapshots.Close(), e.authStore.Close())
	e.unlock()
	return err
}

// checkpoints is where the feed consumers that are not projections (the
// bus forwarder, the saga runtime) keep their checkpoints: the event
// store's own where it keeps them, so that a backup restores them together
// with the events, else the read-model store.
func (e *engine) checkpoints() application.CheckpointStore {
	if own, ok := e.own.(application.CheckpointStore); ok {
		return own
	}
	return application.ReadModelCheckpoints{Store: e.models}
}
