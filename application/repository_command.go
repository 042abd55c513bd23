package application

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Bounds of the retries after losing a race for a stream to another
// process (in-process writers are serialised and never race).
const (
	conflictBudget      = 2 * time.Second
	conflictBackoffBase = time.Millisecond
	conflictBackoffCap  = 100 * time.Millisecond
)

// queuedCommand is a command waiting for its stream: what to run, and
// where its outcome goes.
type queuedCommand struct {
	ctx    context.Context
	agg    domain.Aggregate // a fresh aggregate of the stream
	fresh  func() domain.Aggregate
	decide func(domain.Aggregate) error
	retry  bool
	res    Result
	err    error
	done   chan struct{}
	// promoted is closed when the command is to lead the stream's queue.
	promoted chan struct{}
}

// finish records the outcome and wakes the command's caller.
func (q *queuedCommand) finish(res Result, err error) {
	q.res, q.err = res, err
	close(q.done)
}

// command runs decide on the latest state of the stream of fresh()'s
// aggregate and appends what it raised. Commands on one stream are
// queued: the first leads, running what queued up meanwhile in order, in
// batches (see repository_batch.go), so a hot stream appends several
// commands per commit instead of one. With retry, a version conflict (another process
// appended meanwhile) is retried on fresh state after a jittered backoff,
// for at most conflictBudget. With a command id in ctx's Meta, a command
// whose events are stored already is answered with its first result (see
// idempotency.go).
func (r *Repository) command(ctx context.Context, fresh func() domain.Aggregate, decide func(domain.Aggregate) error, retry bool) (Result, error) {
	q := &queuedCommand{ctx: ctx, agg: fresh(), fresh: fresh, decide: r.guarded(ctx, decide), retry: retry,
		done: make(chan struct{}), promoted: make(chan struct{})}
	e := r.cache.hold(r.streamOf(ctx, q.agg))
	defer r.drop(ctx, e)
	e.qmu.Lock()
	e.queue = append(e.queue, q)
	lead := !e.leading
	e.leading = true
	e.qmu.Unlock()
	if !lead {
		select {
		case <-q.done:
			return q.outcome()
		case <-q.promoted:
		}
	}
	r.lead(e)
	<-q.done
	return q.outcome()
}

// lead runs the queued commands, its own among them, in the order they
// queued, in batches where they can be (see batched), while holding the
// stream's lock, then hands the lead to the first command queued
// meanwhile (see handOff, which also does so after a panic): a command
// queued behind a round waits for that round only, not for later ones.
func (r *Repository) lead(e *streamEntry) {
	e.mu.Lock()
	e.qmu.Lock()
	batch := e.queue
	e.queue = nil
	e.qmu.Unlock()
	defer r.handOff(e, batch)
	for rest := batch; len(rest) > 0; {
		n := batched(rest)
		for _, alone := range r.batch(e, rest[:n]) {
			alone.finish(r.single(e, alone))
		}
		rest = rest[n:]
	}
}

// single runs q by itself, retrying as command describes. e's lock must
// be held.
func (r *Repository) single(e *streamEntry, q *queuedCommand) (Result, error) {
	ctx, a := q.ctx, q.agg
	key := MetaFrom(ctx).CommandID
	deadline := time.Now().Add(conflictBudget)
	for attempt := 0; ; attempt++ {
		if key != "" {
			if res, found, err := r.answered(ctx, e, q.fresh, q.decide, key); found || err != nil {
				return res, err
			}
		}
		res, err := r.attempt(ctx, e, a, q.decide)
		// With a command id, a duplicate event id or a lost race may mean
		// another process appended this very command meanwhile: one more
		// round answers its result.
		raced := isVersionConflict(err) || hasCode(err, "duplicate_event")
		again := q.retry && isVersionConflict(err) || key != "" && attempt == 0 && raced
		if err == nil || !again || !backoff(ctx, attempt, deadline) {
			return res, err
		}
		a = q.fresh()
	}
}

// attempt is one load-decide-append on the stream of a, a new aggregate,
// or on the live aggregate e holds when it has a's type.
func (r *Repository) attempt(ctx context.Context, e *streamEntry, a domain.Aggregate, decide func(domain.Aggregate) error) (Result, error) {
	a, err := r.prepared(ctx, e, a)
	if err != nil {
		return Result{}, err
	}
	if err := decide(a); err != nil {
		if len(a.Root().Pending()) > 0 || isPanic(err) { // decided half-way: state is dirty
			e.live = nil
		}
		return Result{}, err
	}
	res, err := r.append(ctx, e, a)
	if err != nil {
		e.live = nil
	}
	return res, err
}

// prepared returns the aggregate to decide on, brought to the stream's
// latest version: e's live one when it has a's type, else a, which then
// becomes e's live aggregate.
func (r *Repository) prepared(ctx context.Context, e *streamEntry, a domain.Aggregate) (domain.Aggregate, error) {
	var hash string
	var err error
	if e.live != nil && sameType(e.live, a) {
		a = e.live
		hash, err = r.readFrom(ctx, e.id, a, a.Root().Version()+1, e.liveHash)
	} else {
		hash, err = r.current(ctx, e, a)
	}
	if err != nil {
		e.live = nil
		return nil, err
	}
	e.live, e.liveHash, e.snapshot = a, hash, nil
	return a, nil
}

// backoff sleeps before retry attempt+1: exponential, jittered so racing
// processes spread out, and false when it would pass deadline or ctx
// ended.
func backoff(ctx context.Context, attempt int, deadline time.Time) bool {
	d := min(conflictBackoffBase<<min(attempt, 16), conflictBackoffCap)
	d = d/2 + rand.N(d/2+1)
	if time.Now().Add(d).After(deadline) {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
