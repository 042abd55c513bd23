package projections

import (
	"context"
	"fmt"
	"log/slog"
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
	runners []*runner
	wg      sync.WaitGroup
}

// New returns a runtime for projections over the given stores. types
// decodes events for the handlers.
func New(events application.EventStore, store application.ReadModelStore, types *domain.EventRegistry,
	projections []*application.Projection, log *slog.Logger, opts Options) *Runtime {
	rt := &Runtime{events: events, store: store, types: types, log: log, opts: opts.withDefaults()}
	for _, p := range projections {
		rt.runners = append(rt.runners, &runner{rt: rt, p: p, status: Status{Name: p.Name(), State: Stopped}})
	}
	return rt
}

// Declare creates every projection's collections and indexes.
func (rt *Runtime) Declare(ctx context.Context) error {
	for _, r := range rt.runners {
		for _, c := range r.p.Collections() {
			if err := rt.store.Declare(ctx, c); err != nil {
				return fmt.Errorf("projection %s: declare %s: %w", r.p.Name(), c.Name, err)
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
	for _, r := range rt.runners {
		if _, err := r.resume(ctx); err != nil {
			rt.log.Warn("projection checkpoint not checked at start; the projection will retry", "projection", r.p.Name(), "error", err)
		}
	}
	for _, r := range rt.runners {
		rt.wg.Add(1)
		go func() {
			defer rt.wg.Done()
			r.run(ctx)
		}()
	}
	return nil
}

// Wait blocks until every projection started by Start has stopped.
func (rt *Runtime) Wait() { rt.wg.Wait() }

// Rebuild empties the projection's collections and checkpoint and replays
// the feed up to the head as it is when the rebuild starts. It returns the
// number of events it went through, handled by the projection or not.
// Nothing else may run the projection meanwhile.
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
	err = r.catchUp(ctx, head)
	return r.applied - before, err
}

// reset empties the projection's collections and checkpoint.
func (rt *Runtime) reset(ctx context.Context, r *runner) error {
	names := make([]string, 0, len(r.p.Collections()))
	for _, c := range r.p.Collections() {
		names = append(names, c.Name)
	}
	return rt.store.Reset(ctx, r.p.Name(), names)
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
// returns; for tests and one-shot tools, not alongside Start.
func (rt *Runtime) CatchUp(ctx context.Context) error {
	if err := rt.Declare(ctx); err != nil {
		return err
	}
	head, err := rt.events.Head(ctx)
	if err != nil {
		return err
	}
	for _, r := range rt.runners {
		if err := r.catchUp(ctx, head); err != nil {
			return fmt.Errorf("projection %s: %w", r.p.Name(), err)
		}
	}
	return nil
}
