package projections

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Options tune batching and retries. Zero values take the defaults.
type Options struct {
	// BatchSize is how many events are applied in one read-model
	// transaction at most (default 500).
	BatchSize int
	// CatchUpBatchSize replaces BatchSize while a projection works through
	// the events that were already in the feed when it started (a rebuild,
	// or a restart behind the head): nobody waits for those, and fewer,
	// larger transactions write a document touched many times once and
	// commit less often (default 5000, never less than BatchSize).
	CatchUpBatchSize int
	// FlushInterval bounds how long a partial batch waits (default 50ms).
	FlushInterval time.Duration
	// MaxBackoff caps the wait before a failed projection retries
	// (default 30s).
	MaxBackoff time.Duration
	// MaxAttempts is how many times in a row one event may fail before
	// the projection stops at it and reports Failed (default 5).
	MaxAttempts int
	// RebuildPause is a pause after each batch of a version rebuilt in
	// the background, which leaves the stores to the serving views and
	// the other projections (default none).
	RebuildPause time.Duration
	// Views is where views read (see ViewStore); New makes one over the
	// read-model store when it is nil.
	Views *ViewStore
	// Tracer, when set, traces each batch that applies events (a span
	// named "projection.batch <projection>"); nil: tracing is off.
	Tracer application.Tracer
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.CatchUpBatchSize <= 0 {
		o.CatchUpBatchSize = 5000
	}
	o.CatchUpBatchSize = max(o.CatchUpBatchSize, o.BatchSize)
	if o.FlushInterval <= 0 {
		o.FlushInterval = 50 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	return o
}

// Runtime runs a set of projections, one goroutine each.
type Runtime struct {
	events  application.EventStore
	store   application.ReadModelStore
	types   *domain.EventRegistry
	log     *slog.Logger
	opts    Options
	serving *ViewStore
	runners []*runner
	wg      sync.WaitGroup

	mu    sync.Mutex // guards pause
	pause pauser
}

// New returns a runtime for projections over the given stores. types
// decodes events for the handlers.
func New(events application.EventStore, store application.ReadModelStore, types *domain.EventRegistry,
	projections []*application.Projection, log *slog.Logger, opts Options) *Runtime {
	rt := &Runtime{events: events, store: store, types: types, log: log, opts: opts.withDefaults(), serving: opts.Views,
		pause: pauser{paused: map[*runner]bool{}, cancels: map[*runner]context.CancelFunc{}}}
	if rt.serving == nil {
		rt.serving = NewViewStore(store)
	}
	for _, p := range projections {
		rt.runners = append(rt.runners, rt.newRunner(p))
	}
	return rt
}

func (rt *Runtime) newRunner(p *application.Projection) *runner {
	dep := deployment{Version: p.Version()}
	for _, c := range p.Collections() {
		dep.Collections = append(dep.Collections, c.Name)
	}
	return &runner{rt: rt, p: p, dep: dep, status: Status{Name: p.Name(), Version: p.Version(), State: Stopped}}
}

// Views is the read-model store as views read it: each projection's
// collections from the version serving them.
func (rt *Runtime) Views() *ViewStore { return rt.serving }

// Declare settles which version of each projection serves its views (see
// prepare) and creates the collections and indexes of the versions the
// projections run. A projection at a version above 1 must own its
// collections: another projection writing one of them would not follow
// it into its new collections. It also resets a projection that wrote
// documents before the engine stamped them with their tenant (see
// restamp), so it rebuilds them.
func (rt *Runtime) Declare(ctx context.Context) error {
	if err := rt.store.Declare(ctx, versionsCollection); err != nil {
		return fmt.Errorf("declare %s: %w", versionsCollection.Name, err)
	}
	for _, r := range rt.runners {
		if err := rt.owns(r); err != nil {
			return err
		}
		if err := rt.prepare(ctx, r); err != nil {
			return fmt.Errorf("projection %s: %w", r.p.Name(), err)
		}
		if err := rt.restamp(ctx, r); err != nil {
			return fmt.Errorf("projection %s: %w", r.p.Name(), err)
		}
		if err := rt.filterable(ctx, r); err != nil {
			return fmt.Errorf("projection %s: %w", r.p.Name(), err)
		}
	}
	return nil
}

// owns checks that a versioned projection shares no collection.
func (rt *Runtime) owns(r *runner) error {
	if r.dep.Version <= 1 {
		return nil
	}
	for _, o := range rt.runners {
		for _, c := range o.dep.Collections {
			if o != r && slices.Contains(r.dep.Collections, c) {
				return fmt.Errorf("projection %s is at version %d but shares collection %s with projection %s; "+
					"only a projection that owns its collections can have a version", r.p.Name(), r.dep.Version, c, o.p.Name())
			}
		}
	}
	return nil
}

// Start declares the collections, resets every projection whose
// checkpoint no longer matches the event store (see resume), and runs
// every projection until ctx ends. Wait returns once they have flushed and stopped.
func (rt *Runtime) Start(ctx context.Context) error {
	if err := rt.Declare(ctx); err != nil {
		return err
	}
	// Check every checkpoint against the event store before returning,
	// so a projection that no longer matches it is reset before the
	// caller serves views or takes commands. A failure here is retried by
	// the runner, which checks again before it applies anything.
	var all []*runner
	for _, r := range rt.runners {
		all = append(all, r)
		if _, _, prev := r.serving(); prev != nil {
			all = append(all, prev)
		}
	}
	for _, r := range all {
		b, err := r.resume(ctx)
		if err != nil {
			rt.log.Warn("projection checkpoint not checked at start; the projection will retry", "projection", r.p.Name(), "error", err)
			continue
		}
		r.set(func(s *Status) { s.Checkpoint = b.last.Position })
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.pause.ctx = ctx
	for _, r := range rt.runners {
		if rt.pause.paused[r] {
			continue
		}
		// The old version first: r may switch as soon as it runs, and
		// stops the old one then.
		if _, _, prev := r.serving(); prev != nil {
			rt.startPrev(ctx, r, prev)
		}
		rt.launch(r)
	}
	return nil
}

// startPrev runs prev, the old version's kept code, until r stops it.
func (rt *Runtime) startPrev(ctx context.Context, r, prev *runner) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		defer close(done)
		prev.run(ctx)
	}()
	r.mu.Lock()
	r.stopPrev = func() { cancel(); <-done }
	r.mu.Unlock()
}

// Wait blocks until every projection started by Start has stopped.
func (rt *Runtime) Wait() { rt.wg.Wait() }

// Rebuild empties the collections and checkpoint of the projection's
// version and replays the feed up to the head as it is when the rebuild
// starts; a version that did not serve the views yet then serves them, and
// the old one is dropped. It returns the number of events it went through,
// handled by the projection or not. Nothing else may run the projection
// meanwhile.
func (rt *Runtime) Rebuild(ctx context.Context, name string) (uint64, error) {
	r := rt.runner(name)
	if r == nil {
		return 0, domain.Errorf(domain.KindNotFound, "unknown_projection", "there is no projection %q", name)
	}
	if err := rt.Declare(ctx); err != nil {
		return 0, err
	}
	if err := rt.reset(ctx, r); err != nil {
		return 0, err
	}
	head, err := rt.events.Head(ctx)
	if err != nil {
		return 0, err
	}
	before := r.applied
	if err := r.catchUp(ctx, head); err != nil {
		return r.applied - before, err
	}
	return r.applied - before, rt.promoteBuilt(ctx, r)
}

// promoteBuilt promotes r's version if it was built in the background.
func (rt *Runtime) promoteBuilt(ctx context.Context, r *runner) error {
	if !r.building() {
		return nil
	}
	return rt.promote(ctx, r)
}

// reset empties the collections and checkpoint of the projection's
// version.
func (rt *Runtime) reset(ctx context.Context, r *runner) error {
	return rt.store.Reset(ctx, r.key(), r.dep.stored())
}

func (rt *Runtime) runner(name string) *runner {
	for _, r := range rt.runners {
		if r.p.Name() == name {
			return r
		}
	}
	return nil
}

// CatchUp applies every projection up to the feed's current head, then
// returns; for tests, and for serve's drain at shutdown, not alongside
// Start. A version being rebuilt in the background is left where it is (a
// shutdown does not wait for a rebuild): it resumes from its own
// checkpoint when the projections run again. Rebuild finishes one.
func (rt *Runtime) CatchUp(ctx context.Context) error {
	if err := rt.Declare(ctx); err != nil {
		return err
	}
	head, err := rt.events.Head(ctx)
	if err != nil {
		return err
	}
	for _, r := range rt.runners {
		if r.building() || r.paused.Load() {
			continue // resumes from its own checkpoint when the projections run again
		}
		if err := r.catchUp(ctx, head); err != nil {
			return fmt.Errorf("projection %s: %w", r.p.Name(), err)
		}
	}
	return nil
}
