package application

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Deps are the adapters the application runs on, chosen by cmd/webos.
type Deps struct {
	Events     EventStore
	ReadModels ReadModelStore
	Validator  SchemaValidator
	// Authorizer defaults to AllowAll.
	Authorizer Authorizer
	// Clock defaults to time.Now.
	Clock func() time.Time
	// NewID makes event ids; required.
	NewID  func() string
	Logger *slog.Logger
	// CachedStreams bounds the cache of streams (one aggregate or snapshot
	// each) of each module's aggregate repository: 0 means
	// DefaultCachedStreams, a negative number disables it.
	CachedStreams int
	// Snapshots stores aggregate snapshots; nil disables them.
	Snapshots SnapshotStore
	// SnapshotEvery defaults to DefaultSnapshotEvery.
	SnapshotEvery int
	// ObserveCommand, when set, is told of every command run through the
	// pipeline (registered commands only: unknown names are refused
	// before it) with its error and how long it took; metrics use it.
	ObserveCommand func(ctx context.Context, command string, err error, took time.Duration)
	// Tracer, when set, traces every command run through the pipeline
	// (a span named "command <name>"); nil: tracing is off.
	Tracer Tracer
}

// App is the engine's kernel: the registries of commands, events, views,
// projections and services that modules filled, and the command pipeline.
type App struct {
	deps     Deps
	repoOpts RepositoryOptions
	events   *domain.EventRegistry
	services *Services
	dispatch Dispatch

	mu          sync.RWMutex
	commands    map[string]*commandEntry
	views       map[string]View
	permissions map[string]Permission
	projections []*Projection
	modules     []ModuleStatus
	// streamOwners are the Shared modules' StreamOwners, by module.
	streamOwners map[string]StreamOwnerFunc
	// off are the modules turned off, per tenant (SetDisabled).
	off switches

	processManagers []ProcessManager
	jobTypes        []JobType
	jobs            atomic.Pointer[JobQueue]
}

// New returns an App with no modules.
func New(deps Deps) *App {
	if deps.Authorizer == nil {
		deps.Authorizer = AllowAll{}
	}
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	a := &App{
		deps: deps,
		repoOpts: RepositoryOptions{
			Clock: deps.Clock, NewID: deps.NewID, CachedStreams: deps.CachedStreams,
			Snapshots: deps.Snapshots, SnapshotEvery: deps.SnapshotEvery, Logger: deps.Logger,
		},
		events:       domain.NewEventRegistry(),
		services:     NewServices(),
		dispatch:     traced(observed(pipeline(deps.Validator, deps.Authorizer, deps.Logger), deps.ObserveCommand), deps.Tracer),
		commands:     map[string]*commandEntry{},
		views:        map[string]View{},
		permissions:  core(),
		streamOwners: map[string]StreamOwnerFunc{},
	}
	a.dispatch = a.withJobs(a.dispatch)
	return a
}

// observed wraps d so that observe, when set, learns of every command.
func observed(d Dispatch, observe func(context.Context, string, error, time.Duration)) Dispatch {
	if observe == nil {
		return d
	}
	return func(ctx context.Context, req *CommandRequest) (Result, error) {
		start := time.Now()
		res, err := d(ctx, req)
		observe(ctx, req.Info.Name, err, time.Since(start))
		return res, err
	}
}

// traced wraps d so that each command runs in a span of t, when set: the
// child of the request's span, and the parent of its event-store append.
func traced(d Dispatch, t Tracer) Dispatch {
	if t == nil {
		return d
	}
	return func(ctx context.Context, req *CommandRequest) (Result, error) {
		ctx, span := t.Start(ctx, "command "+req.Info.Name, SpanOptions{Attrs: []SpanAttr{StrAttr("webos.command", req.Info.Name)}})
		res, err := d(ctx, req)
		if err == nil && res.Stream != "" {
			span.SetAttributes(StrAttr("webos.stream", res.Stream), IntAttr("webos.stream.version", int64(res.Version)))
		}
		span.End(err)
		return res, err
	}
}

// Tracer returns the tracer the App was built with; nil when tracing is
// off. The projection and saga runtimes trace with it.
func (a *App) Tracer() Tracer { return a.deps.Tracer }

// core indexes CorePermissions.
func core() map[string]Permission {
	m := map[string]Permission{}
	for _, p := range CorePermissions {
		m[p.Name] = p
	}
	return m
}

// Dispatch runs the command name with the raw JSON body through the
// pipeline. Request metadata travels in ctx (WithMeta).
func (a *App) Dispatch(ctx context.Context, name string, body []byte) (Result, error) {
	a.mu.RLock()
	entry, ok := a.commands[name]
	a.mu.RUnlock()
	unknown := func() error {
		return domain.Errorf(domain.KindNotFound, "unknown_command", "there is no command %q", name)
	}
	if !ok {
		return Result{}, unknown()
	}
	if err := a.refuseOff(ctx, name, unknown); err != nil {
		return Result{}, err
	}
	return a.dispatch(ctx, &CommandRequest{Info: entry.info, Body: body, entry: entry})
}

// View returns the view called name if the actor in ctx may read it: a
// domain.KindNotFound error for an unknown view, the Authorizer's error
// otherwise. Callers check a query against the view's fields only after
// this, so nobody learns a view's shape without the right to read it.
func (a *App) View(ctx context.Context, name string) (View, error) {
	v, _, err := a.view(ctx, name)
	return v, err
}

func (a *App) view(ctx context.Context, name string) (View, Grant, error) {
	a.mu.RLock()
	v, ok := a.views[name]
	a.mu.RUnlock()
	unknown := func() error {
		return domain.Errorf(domain.KindNotFound, "unknown_view", "there is no view %q", name)
	}
	if !ok {
		return View{}, Grant{}, unknown()
	}
	if err := a.refuseOff(ctx, name, unknown); err != nil {
		return View{}, Grant{}, err
	}
	g, err := a.deps.Authorizer.Authorize(ctx, Access{Permission: v.permission, Resource: "view:" + name, Owner: v.Owner})
	if err != nil {
		return View{}, Grant{}, err
	}
	return v, g, nil
}

// QueryView authorises and runs q against the view called name, applying
// the view's default sort when q has none. The Authorizer's record-level
// filters and the filter to the tenant ctx works in (TenantOf) are added
// to q's, so the page holds only records the principal may see: no
// filter, sort or cursor reaches another tenant's. Every view is
// filtered, a Shared module's too (see InTenant).
func (a *App) QueryView(ctx context.Context, name string, q Query) (Page, error) {
	v, g, err := a.view(ctx, name)
	if err != nil {
		return Page{}, err
	}
	if len(q.Sort) == 0 {
		q.Sort = v.DefaultSort
	}
	if len(g.Filters) > 0 {
		q.Filters = append(append([]Filter(nil), q.Filters...), g.Filters...)
	}
	q.Filters = tenantFilters(TenantOf(ctx), q.Filters)
	return a.deps.ReadModels.Find(ctx, v.Collection.Name, q)
}

// CountView authorises and counts the documents of the view called name
// that match filters, under the same record-level and tenant rules as
// QueryView.
func (a *App) CountView(ctx context.Context, name string, filters []Filter) (int64, error) {
	v, g, err := a.view(ctx, name)
	if err != nil {
		return 0, err
	}
	filters = tenantFilters(TenantOf(ctx), append(append([]Filter(nil), filters...), g.Filters...))
	return a.deps.ReadModels.Count(ctx, v.Collection.Name, filters)
}

// Authorize asks the Authorizer whether the principal in ctx may use the
// permission called name on resource (see Access). A permission nobody
// declared is refused as if it were held by no one, so a typo fails
// closed.
func (a *App) Authorize(ctx context.Context, name, resource string) (Grant, error) {
	p, ok := a.Permission(name)
	if !ok {
		p = Permission{Name: name}
	}
	return a.deps.Authorizer.Authorize(ctx, Access{Permission: p, Resource: resource})
}

// moduleRepository returns a repository that appends only to the streams
// of the named module. Each module has its own, with its own cache: their
// streams are disjoint. The streams of a module not Shared are the
// tenant's own (see Repository.streamOf).
func (a *App) moduleRepository(m Manifest) *Repository {
	r := NewRepository(ownedStore{EventStore: a.deps.Events, module: m.Name}, a.events, a.repoOpts)
	r.scoped = !m.Shared
	return r
}

// Events returns the event type registry.
func (a *App) Events() *domain.EventRegistry { return a.events }

// Services returns the typed service registry.
func (a *App) Services() *Services { return a.services }

// Commands lists the registered commands, sorted by name.
func (a *App) Commands() []CommandInfo {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]CommandInfo, 0, len(a.commands))
	for _, c := range a.commands {
		out = append(out, c.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Projections lists the registered projections in registration order.
func (a *App) Projections() []*Projection {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return append([]*Projection(nil), a.projections...)
}

// Modules reports every module offered to Load and how it fared.
func (a *App) Modules() []ModuleStatus {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.withDisabled(a.modules)
}
