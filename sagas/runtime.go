package sagas

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Sender carries an instance's commands to the modules' handlers (the
// Watermill CQRS command bus in the engine) and brings each reply back
// to Runtime.HandleReply. It may deliver a command more than once: the
// command id makes that harmless.
type Sender interface {
	Send(ctx context.Context, cmd Command) error
}

// Options tune a Runtime. Zero values take the defaults.
type Options struct {
	// Clock defaults to time.Now; timers and retries are due by it.
	Clock func() time.Time
	// NewID makes ids for operator commands without an idempotency key.
	NewID func() string
	// MaxAttempts bounds how often a step is sent while it fails
	// transiently before the instance fails (default 5).
	MaxAttempts int
	// RetryBackoff is the wait before the first retry; it doubles with
	// every attempt (default 200ms), up to MaxBackoff (default 1m).
	RetryBackoff time.Duration
	MaxBackoff   time.Duration
	Logger       *slog.Logger
	// Hook, when set, is told of every Boundary the runtime passes.
	Hook Hook
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.NewID == nil {
		o.NewID = randomID
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Runtime runs the process managers the modules registered: it hands them
// the events of the feed (HandleEvent), their commands' replies
// (HandleReply) and their timers (FireDue, Run), and records everything
// in each instance's stream before it acts on it.
type Runtime struct {
	app    *application.App
	events application.EventStore
	repo   *application.Repository
	sender Sender
	opts   Options
	procs  map[string]*Process
	byType map[string][]*Process
	locks  *streamLocks
	timers *scheduler
	parked parked
}

// NewRuntime returns a runtime for the process managers registered in app, whose
// instances live in events and send their commands through sender.
func NewRuntime(app *application.App, events application.EventStore, sender Sender, opts Options) *Runtime {
	opts = opts.withDefaults()
	rt := &Runtime{
		app: app, events: events, sender: sender, opts: opts,
		repo: application.NewRepository(events, app.Events(), application.RepositoryOptions{
			Clock: opts.Clock, NewID: opts.NewID, Logger: opts.Logger, CachedStreams: -1,
		}),
		procs: map[string]*Process{}, byType: map[string][]*Process{}, locks: newStreamLocks(), timers: newScheduler(),
	}
	for _, pm := range app.ProcessManagers() {
		p, ok := pm.(*Process)
		if !ok {
			continue
		}
		rt.procs[p.ProcessManagerName()] = p
		types := map[string]bool{}
		for _, lg := range p.all() {
			for typ := range lg.eventTypes() {
				types[typ] = true
			}
		}
		for typ := range types {
			rt.byType[typ] = append(rt.byType[typ], p)
		}
	}
	return rt
}

// Handles reports whether events of type typ concern a process manager.
func (rt *Runtime) Handles(typ string) bool { return len(rt.byType[typ]) > 0 }

// StreamPrefix starts the id of every instance's stream.
const StreamPrefix = "sagas."

// streamOf is the id of the stream of definition's instance key.
func streamOf(definition, key string) string { return StreamPrefix + definition + "." + key }

// definitionOf returns the definition name in an instance's stream id.
func definitionOf(stream string) string {
	parts := strings.SplitN(strings.TrimPrefix(stream, StreamPrefix), ".", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[0] + "." + parts[1]
}

// HandleEvent hands a stored event to every process manager it starts or
// continues. Handling it again changes nothing. It holds nothing back:
// Follow, which reads the feed, holds the events of a module disabled in
// their tenant (hold.go).
func (rt *Runtime) HandleEvent(ctx context.Context, env domain.Envelope) error {
	return rt.handleEvent(ctx, env, nil)
}

// handleEvent is HandleEvent; wait, when set, says whether p's instance
// must wait for the event (its module is disabled in the event's tenant).
func (rt *Runtime) handleEvent(ctx context.Context, env domain.Envelope, wait func(context.Context, *Process, *domain.Envelope) (bool, error)) error {
	procs := rt.byType[env.Type]
	if len(procs) == 0 || strings.HasPrefix(env.StreamID, StreamPrefix) {
		return nil
	}
	ev, err := rt.app.Events().Decode(&env)
	if err != nil {
		return fmt.Errorf("sagas: decode %s at %d: %w", env.Type, env.Position, err)
	}
	for _, p := range procs {
		key, start := p.route(ev, env.Type)
		if key == "" {
			continue
		}
		if wait != nil {
			held, err := wait(ctx, p, &env)
			if err != nil {
				return err
			}
			if held {
				continue
			}
		}
		var started *Started
		if start {
			started = &Started{Definition: p.ProcessManagerName(), Version: p.current.Version(), Key: key, Tenant: env.Tenant}
		}
		in := input{id: "event:" + env.ID, kind: kindEvent, name: env.Type, event: ev, env: env}
		// Each tenant's instances are its own (docs/tenants.md).
		stream := application.TenantKey(env.Tenant, streamOf(p.ProcessManagerName(), key))
		rt.boundary(PointReceived, stream, env.Type)
		if err := rt.handle(ctx, p, stream, in, started); err != nil {
			return err
		}
	}
	return nil
}

// HandleReply records a command's reply in its instance and reacts to it.
// A reply seen before changes nothing. A reply to an instance whose module
// is disabled in its tenant waits until it is enabled again (park.go).
func (rt *Runtime) HandleReply(ctx context.Context, r Reply) error {
	p := rt.procs[definitionOf(r.Instance)]
	if p == nil {
		rt.opts.Logger.WarnContext(ctx, "saga reply for no registered definition", "instance", r.Instance)
		return nil
	}
	if off, err := rt.instanceOff(ctx, r.Instance); err != nil || off {
		if off {
			rt.parkReply(ctx, r)
		}
		return err
	}
	return rt.handle(ctx, p, r.Instance, input{id: r.inputID(), kind: kindReply, name: r.Step, reply: r}, nil)
}

// Retry sends the failed step of a failed instance again.
func (rt *Runtime) Retry(ctx context.Context, instance string) error {
	_, err := rt.operate(ctx, instance, opRetry, "")
	return err
}

// Compensate undoes the steps of a running, completed or failed instance.
func (rt *Runtime) Compensate(ctx context.Context, instance, reason string) error {
	_, err := rt.operate(ctx, instance, opCompensate, reason)
	return err
}

// operate runs an operator's action; its idempotency key (Meta.CommandID)
// makes a second send change nothing.
func (rt *Runtime) operate(ctx context.Context, stream, op, reason string) (application.Result, error) {
	p := rt.procs[definitionOf(stream)]
	if p == nil || !application.OwnsKey(ctx, stream) {
		return application.Result{}, unknownInstance(stream)
	}
	if err := rt.refuseOff(ctx, stream); err != nil {
		return application.Result{}, err
	}
	meta := application.MetaFrom(ctx)
	id := meta.CommandID
	if id == "" {
		id = rt.opts.NewID()
	}
	in := input{id: "operator:" + op + ":" + id, kind: kindOperator, name: op, reason: reason, by: meta.Actor}
	exists := false
	res, err := rt.handleWith(ctx, p, stream, in, nil, func(inst *instance) { exists = inst.Exists() })
	if err == nil && !exists {
		return application.Result{}, unknownInstance(stream)
	}
	return res, err
}

func unknownInstance(stream string) error {
	return domain.Errorf(domain.KindNotFound, "unknown_saga_instance", "there is no saga instance %q", stream)
}

// FireDue fires every timer due at now. Firing one again changes nothing.
// The timer of an instance whose module is disabled in its tenant waits
// until it is enabled again, and fires at the first FireDue after that.
func (rt *Runtime) FireDue(ctx context.Context, now time.Time) error {
	if err := rt.unpark(ctx); err != nil {
		return err
	}
	for _, t := range rt.timers.due(now) {
		p := rt.procs[definitionOf(t.stream)]
		if p == nil {
			continue
		}
		if off, err := rt.instanceOff(ctx, t.stream); err != nil || off {
			if off {
				rt.parkTimer(ctx, t)
				continue
			}
			rt.timers.add(t.stream, t.name, t.at)
			return err
		}
		in := input{id: "timer:" + t.name + "@" + t.at.UTC().Format(time.RFC3339Nano), kind: kindTimer, name: t.name, due: t.at}
		rt.boundary(PointDue, t.stream, t.name)
		if err := rt.handle(ctx, p, t.stream, in, nil); err != nil {
			rt.timers.add(t.stream, t.name, t.at) // try again at the next wake-up
			return err
		}
	}
	return nil
}

// EventTypes lists the event types some process manager starts or
// continues on: what a bus consumer of the runtime subscribes to.
func (rt *Runtime) EventTypes() []string {
	out := make([]string, 0, len(rt.byType))
	for typ := range rt.byType {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}
