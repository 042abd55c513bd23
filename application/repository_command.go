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

// command runs decide on the latest state of the stream of fresh()'s
// aggregate and appends what it raised, holding the stream's lock
// throughout. The aggregate is kept for the next command when nothing
// went wrong. With retry, a version conflict (another process appended
// meanwhile) is retried on fresh state after a jittered backoff, for at
// most conflictBudget. With a command id in ctx's Meta, a command whose
// events are stored already is answered with its first result (see
// idempotency.go).
func (r *Repository) command(ctx context.Context, fresh func() domain.Aggregate, decide func(domain.Aggregate) error, retry bool) (Result, error) {
	a := fresh()
	e := r.cache.acquire(a.Root().ID())
	defer r.release(ctx, e)
	key := MetaFrom(ctx).CommandID
	deadline := time.Now().Add(conflictBudget)
	for attempt := 0; ; attempt++ {
		if key != "" {
			if res, found, err := r.answered(ctx, e, fresh, decide, key); found || err != nil {
				return res, err
			}
		}
		res, err := r.attempt(ctx, e, a, decide)
		// With a command id, a duplicate event id or a lost race may mean
		// another process appended this very command meanwhile: one more
		// round answers its result.
		raced := isVersionConflict(err) || hasCode(err, "duplicate_event")
		again := retry && isVersionConflict(err) || key != "" && attempt == 0 && raced
		if err == nil || !again || !backoff(ctx, attempt, deadline) {
			return res, err
		}
		a = fresh()
	}
}

// attempt is one load-decide-append on the stream of a, a new aggregate,
// or on the live aggregate e holds when it has a's type.
func (r *Repository) attempt(ctx context.Context, e *streamEntry, a domain.Aggregate, decide func(domain.Aggregate) error) (Result, error) {
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
		return Result{}, err
	}
	e.live, e.liveHash, e.snapshot = a, hash, nil
	if err := decide(a); err != nil {
		if len(a.Root().Pending()) > 0 { // decided half-way: state is dirty
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
