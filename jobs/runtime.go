package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Ticket asks a worker to start attempt Attempt of job Job. Tickets may
// be delivered late, twice or never: a stale one is dropped, and Recover
// publishes lost ones again.
type Ticket struct {
	Job     string `json:"job"`
	Attempt int    `json:"attempt"`
}

// Queue carries tickets to the workers, which take them with
// Runtime.Handle (the bus in the engine, see adapters/jobbus).
type Queue interface {
	Publish(ctx context.Context, t Ticket) error
}

// Options tune a Runtime. Zero values take the defaults.
type Options struct {
	// Clock defaults to time.Now; retries and schedules are due by it.
	Clock func() time.Time
	// NewID makes the keys of jobs enqueued without one.
	NewID func() string
	// Workers bounds the attempts running at once (default 4).
	Workers int
	// Backoff is the wait before the first retry; it doubles with every
	// attempt (default 1s), up to MaxBackoff (default 5m).
	Backoff    time.Duration
	MaxBackoff time.Duration
	// Exclusive says that no other process runs jobs on this event store
	// (the embedded default, whose data dir is locked): an attempt found
	// running that this process did not start was interrupted, and is
	// retried at once rather than after its deadline.
	Exclusive bool
	Logger    *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.NewID == nil {
		o.NewID = func() string {
			var b [16]byte
			_, _ = rand.Read(b[:])
			return hex.EncodeToString(b[:])
		}
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Runtime runs the job types the modules registered: it stores jobs
// (Enqueue), starts their attempts from tickets (Handle), retries,
// cancels and recovers them, and fires the schedules (Run).
type Runtime struct {
	app    *application.App
	events application.EventStore
	repo   *application.Repository
	queue  Queue
	opts   Options
	types  map[string]*Type
	slots  chan struct{}
	// life ends at Stop; running attempts are cancelled with it and
	// their outcome left for the next start to recover.
	life     context.Context
	stopLife context.CancelFunc
	wg       sync.WaitGroup

	mu      sync.Mutex
	running map[string]*Run
	// waiting are the jobs held while their module is disabled in their
	// tenant (held), so each is logged once.
	waiting map[string]bool
	timers  *timers
}

// NewRuntime returns a runtime for the job types registered in app, whose
// jobs live in events and whose tickets travel on queue.
func NewRuntime(app *application.App, events application.EventStore, queue Queue, opts Options) *Runtime {
	opts = opts.withDefaults()
	rt := &Runtime{
		app: app, events: events, queue: queue, opts: opts, types: map[string]*Type{},
		repo: application.NewRepository(events, app.Events(), application.RepositoryOptions{
			Clock: opts.Clock, NewID: opts.NewID, Logger: opts.Logger, CachedStreams: -1,
		}),
		slots: make(chan struct{}, opts.Workers), running: map[string]*Run{}, waiting: map[string]bool{}, timers: newTimers(),
	}
	rt.life, rt.stopLife = context.WithCancel(context.Background())
	for _, jt := range app.JobTypes() {
		if t, ok := jt.(*Type); ok {
			rt.types[t.name] = t
		}
	}
	return rt
}

// Stop cancels the running attempts without recording their outcome
// (the next start recovers them) and waits for them to return.
func (rt *Runtime) Stop() {
	rt.stopLife()
	rt.wg.Wait()
}

// actor is the actor of the events the runtime appends on its own.
const actor = "system:jobs"

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}$`)

// Enqueue stores job and publishes its first ticket; a job of the same
// type and key stored before is answered instead, and nothing is stored.
// Bad input is refused with field pointers relative to the input, before
// anything is stored, and a job whose module is disabled in the tenant
// ctx works in with application.CodeModuleDisabled.
func (rt *Runtime) Enqueue(ctx context.Context, job application.Job) (application.Result, error) {
	return rt.enqueue(ctx, job, "")
}

func (rt *Runtime) enqueue(ctx context.Context, req application.Job, schedule string) (application.Result, error) {
	t := rt.types[req.Type]
	if t == nil {
		return application.Result{}, domain.Invalid("there is no such job type",
			domain.FieldError{Pointer: "/type", Detail: fmt.Sprintf("%q is not a registered job type", req.Type)})
	}
	if err := rt.refuseOff(ctx, t.name); err != nil {
		return application.Result{}, err
	}
	input, err := encodeInput(req.Input)
	if err != nil {
		return application.Result{}, err
	}
	if err := rt.app.ValidateJobInput(t.name, input); err != nil {
		return application.Result{}, err
	}
	key := req.Key
	if key == "" {
		key = rt.opts.NewID()
	}
	if !keyPattern.MatchString(key) {
		return application.Result{}, domain.Invalid("the job key is not usable",
			domain.FieldError{Pointer: "/key", Detail: "must be 1 to 200 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit"})
	}
	meta := application.MetaFrom(ctx)
	// Each tenant's keys are its own (docs/tenants.md).
	id := application.TenantKey(meta.Tenant, jobStream(t.name, key))
	// Most keys are new: the first try appends without reading the stream.
	res, j, err := rt.update(ctx, id, "enqueue", meta.Actor, meta.Tenant, newJob(id), func(j *job) error {
		if !j.Exists() {
			domain.Raise(j, Enqueued{Type: t.name, Key: key, Input: input, Tenant: meta.Tenant, Actor: meta.Actor,
				MaxAttempts: t.maxAttempts, TimeoutMS: t.timeout.Milliseconds(), Schedule: schedule})
		}
		return nil
	})
	if err != nil {
		return application.Result{}, err
	}
	if len(res.Events) > 0 {
		rt.publish(ctx, Ticket{Job: id, Attempt: j.attempt + 1})
	}
	return res, nil
}

// encodeInput returns the JSON of a job's input.
func encodeInput(in any) (json.RawMessage, error) {
	switch v := in.(type) {
	case json.RawMessage:
		return v, nil
	case nil:
		return json.RawMessage(`{}`), nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, domain.Invalid("the job input cannot be encoded", domain.FieldError{Pointer: "/input", Detail: "is not JSON"})
	}
	return b, nil
}

// Cancel cancels an active job: a running attempt has its context
// cancelled. Cancelling a cancelled job changes nothing; one that ended
// otherwise is a conflict.
func (rt *Runtime) Cancel(ctx context.Context, id, reason string) (application.Result, error) {
	meta := application.MetaFrom(ctx)
	if !application.OwnsKey(ctx, id) {
		return application.Result{}, domain.Errorf(domain.KindNotFound, "unknown_job", "there is no job %q", id)
	}
	res, _, err := rt.update(ctx, id, "cancel", meta.Actor, "", nil, func(j *job) error {
		switch {
		case !j.Exists():
			return domain.Errorf(domain.KindNotFound, "unknown_job", "there is no job %q", id)
		case j.status == StatusCancelled:
			return nil
		case !j.status.Active():
			return domain.Errorf(domain.KindConflict, "job_ended", "the job %s has %s already", id, j.status)
		}
		domain.Raise(j, Cancelled{By: meta.Actor, Reason: reason})
		return nil
	})
	if err != nil {
		return application.Result{}, err
	}
	rt.unhold(id)
	rt.mu.Lock()
	run := rt.running[id]
	rt.mu.Unlock()
	if run != nil {
		run.stop(errCancelled)
	}
	return res, nil
}

// attemptsOnConflict bounds how often one step is decided again when
// another writer appended to the job first.
const attemptsOnConflict = 5

// update loads the job in stream id, lets decide raise events on it and
// appends them with ids derived from the job and step, so a step taken
// twice appends once. After a conflict it loads and decides again. The
// Result lists no events when decide raised none. hint, when not nil, is
// the job as the caller last saw it, tried first instead of a load: the
// append's expected version refuses it if it is stale.
func (rt *Runtime) update(ctx context.Context, id, step, by, tenant string, hint *job, decide func(*job) error) (application.Result, *job, error) {
	for attempt := 1; ; attempt++ {
		j := hint
		hint = nil
		if j == nil {
			j = newJob(id)
			if err := rt.repo.Load(ctx, j); err != nil {
				return application.Result{}, nil, err
			}
		}
		if err := decide(j); err != nil {
			return application.Result{}, j, err
		}
		if len(j.Pending()) == 0 {
			return application.Result{Stream: id, Version: j.Version(), Events: []string{}}, j, nil
		}
		if j.tenant != "" {
			tenant = j.tenant
		}
		if by == "" {
			by = actor
		}
		meta := application.Meta{CommandID: "job/" + id + "/" + step, Tenant: tenant, Actor: by, CorrelationID: id}
		res, err := rt.repo.Save(application.WithMeta(ctx, meta), j)
		if err == nil {
			return res, j, nil
		}
		if attempt >= attemptsOnConflict || domain.KindOf(err) != domain.KindConflict {
			return application.Result{}, nil, err
		}
	}
}

// publish hands a ticket to the queue; a ticket that cannot be published
// is published again by the next Recover.
func (rt *Runtime) publish(ctx context.Context, t Ticket) {
	if err := rt.queue.Publish(ctx, t); err != nil {
		rt.opts.Logger.WarnContext(ctx, "job ticket not published; the next recovery publishes it", "job", t.Job, "attempt", t.Attempt, "error", err)
	}
}

// backoff is the wait before retry number n (1 and up).
func (rt *Runtime) backoff(n int) time.Duration {
	d := rt.opts.Backoff
	for i := 1; i < n && d < rt.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, rt.opts.MaxBackoff)
}
