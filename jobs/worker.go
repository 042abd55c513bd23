package jobs

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var (
	errCancelled = errors.New("the job was cancelled")
	errTimedOut  = errors.New("the attempt timed out")
	// ErrStopped is what Run.Progress answers once the job no longer runs
	// this attempt (it was cancelled, or another worker took it over):
	// the handler should return.
	ErrStopped = errors.New("jobs: the attempt no longer runs")
)

// Run is one running attempt of a job, handed to its Handler.
type Run struct {
	rt      *Runtime
	id      string
	key     string
	attempt int
	cancel  context.CancelCauseFunc

	mu sync.Mutex
	// latest is the job as this attempt last stored it, the first guess
	// of its next append (nil while one is in flight).
	latest  *job
	seq     int
	percent int
	message string
	saved   time.Time
}

// ID is the job's id (its stream).
func (r *Run) ID() string { return r.id }

// Key is the job's idempotency key: a handler that writes a document
// names it by the key, so every attempt writes the same one.
func (r *Run) Key() string { return r.key }

// QueryView reads a view as the engine (no principal: every record of
// the job's tenant), for a handler that walks records.
func (r *Run) QueryView(ctx context.Context, view string, q application.Query) (application.Page, error) {
	return r.rt.app.QueryView(ctx, view, q)
}

// CountView counts a view's records as QueryView reads them.
func (r *Run) CountView(ctx context.Context, view string, filters []application.Filter) (int64, error) {
	return r.rt.app.CountView(ctx, view, filters)
}

// Attempt is the attempt's number, 1 for the first.
func (r *Run) Attempt() int { return r.attempt }

// progressEvery is how often progress that did not change its percent is
// stored.
const progressEvery = time.Second

// Progress records the attempt's progress, percent (clamped to 0..100)
// and a message, for jobs.list. A report with the percent unchanged
// within a second of the last one stored is kept in memory only, so a
// handler may report per item. It answers ErrStopped when the job no
// longer runs this attempt, and cancels ctx's attempt then.
func (r *Run) Progress(ctx context.Context, percent int, message string) error {
	percent = max(0, min(percent, 100))
	r.mu.Lock()
	now := r.rt.opts.Clock()
	skip := percent == r.percent && now.Sub(r.saved) < progressEvery
	r.message = message
	if skip {
		r.mu.Unlock()
		return nil
	}
	r.seq++
	r.percent, r.saved = percent, now
	step := "progress/" + strconv.Itoa(r.attempt) + "/" + strconv.Itoa(r.seq)
	hint := r.take()
	r.mu.Unlock()
	_, j, err := r.rt.update(ctx, r.id, step, "", "", hint, func(j *job) error {
		if !j.runs(r.attempt) {
			return ErrStopped
		}
		domain.Raise(j, Progressed{Attempt: r.attempt, Percent: percent, Message: message})
		return nil
	})
	if err == nil {
		r.keep(j)
	}
	if errors.Is(err, ErrStopped) {
		cause := ErrStopped
		if j != nil && j.status == StatusCancelled {
			cause = errCancelled
		}
		r.stop(cause)
	}
	return err
}

func (r *Run) stop(cause error) { r.cancel(cause) }

// take hands out the latest stored job, for one append; r.mu is held.
func (r *Run) take() *job {
	j := r.latest
	r.latest = nil
	return j
}

// keep records j as the latest stored job.
func (r *Run) keep(j *job) {
	r.mu.Lock()
	r.latest = j
	r.mu.Unlock()
}

// Handle takes a ticket: when it names the attempt the job waits for, it
// waits for a worker slot, records the attempt's start and runs it in
// the background, then returns (the ticket is done with: the attempt is
// stored). A stale ticket is dropped; an early one (a retry not due yet)
// sets the job's retry timer; one whose module is disabled in the job's
// tenant waits (held).
func (rt *Runtime) Handle(ctx context.Context, t Ticket) (err error) {
	j := newJob(t.Job)
	if err := rt.repo.Load(ctx, j); err != nil {
		return err
	}
	ctx, span := rt.span(ctx, "job.start", j, t.Attempt, nil)
	defer func() { span.End(err) }()
	n, ok := j.next(rt.opts.Clock())
	if !ok || n != t.Attempt {
		if j.status == StatusRetrying && j.attempt+1 == t.Attempt {
			rt.timers.set(t.Job, j.retryAt)
		}
		return nil
	}
	if held, err := rt.held(ctx, j); held || err != nil {
		return err
	}
	select {
	case rt.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	case <-rt.life.Done():
		return rt.life.Err()
	}
	// The attempt is claimed here before its start is stored, so a check
	// that sees it running knows this process runs it, and two attempts
	// of one job never run here at once.
	rt.mu.Lock()
	_, busy := rt.running[t.Job]
	if !busy {
		rt.running[t.Job] = nil
	}
	rt.mu.Unlock()
	if busy {
		// A ticket for the job while an attempt of it runs here: look at
		// the job again in a second, when that attempt has ended.
		<-rt.slots
		rt.timers.set(t.Job, rt.opts.Clock().Add(time.Second))
		return nil
	}
	release := func() {
		rt.mu.Lock()
		delete(rt.running, t.Job)
		rt.mu.Unlock()
		<-rt.slots
	}
	res, j, err := rt.update(ctx, t.Job, "start/"+strconv.Itoa(n), "", "", j, func(j *job) error {
		if m, ok := j.next(rt.opts.Clock()); ok && m == n {
			domain.Raise(j, AttemptStarted{Attempt: n, Deadline: rt.opts.Clock().Add(j.timeout)})
		}
		return nil
	})
	if err != nil || len(res.Events) == 0 {
		release()
		return err
	}
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		defer release()
		rt.execute(j, n)
	}()
	return nil
}

// execute runs attempt n of j and records its outcome.
func (rt *Runtime) execute(j *job, n int) {
	ctx, cancelTimeout := context.WithTimeoutCause(rt.life, j.timeout, errTimedOut)
	defer cancelTimeout()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	run := &Run{rt: rt, id: j.ID(), key: j.key, attempt: n, cancel: cancel, percent: -1, latest: j}
	rt.mu.Lock()
	rt.running[j.ID()] = run // Handle claimed the entry; release deletes it
	rt.mu.Unlock()
	ctx = application.WithMeta(ctx, application.Meta{Actor: "job:" + j.typ, Tenant: j.tenant, CorrelationID: j.ID(),
		MessageID: j.ID() + "#" + strconv.Itoa(n), RequestID: j.ID()})
	ctx = application.WithJobQueue(ctx, rt)
	ctx, span := rt.span(ctx, "job.run", j, n, nil)
	err := rt.call(ctx, j, run)
	span.End(err)
	tc := rt.traceContext(ctx)
	cause := context.Cause(ctx)
	switch {
	case rt.life.Err() != nil:
		return // stopping: the next start recovers the attempt
	case errors.Is(cause, errCancelled):
		return // Cancelled is stored already
	case errors.Is(cause, errTimedOut):
		err = fmt.Errorf("%w after %s", errTimedOut, j.timeout)
	}
	run.mu.Lock()
	latest := run.take()
	message := run.message
	run.mu.Unlock()
	rt.finish(j, latest, n, err, message, tc)
}

// call runs the handler of j's type, turning a panic into an error.
func (rt *Runtime) call(ctx context.Context, j *job, run *Run) (err error) {
	t := rt.types[j.typ]
	if t == nil {
		return Permanent(fmt.Errorf("the job type %s is not registered in this process", j.typ))
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the job panicked: %v", p)
		}
	}()
	return t.run(ctx, run, j.input)
}

// finish records attempt n's outcome: success, a hold (ownRefusal), a
// retry or the end. An outcome for an attempt the job no longer runs is
// dropped. latest, when not nil, is the job as the attempt last stored
// it; tc is the trace context of the attempt's span, under which the
// outcome is recorded.
func (rt *Runtime) finish(j, latest *job, n int, runErr error, message string, tc map[string]string) {
	ctx, span := rt.span(context.WithoutCancel(rt.life), "job.finish", j, n, tc)
	step, now, hold := "done", rt.opts.Clock(), ownRefusal(runErr, j)
	switch {
	case hold:
		step = "hold/" + strconv.Itoa(n)
	case runErr != nil:
		step = "fail/" + strconv.Itoa(n)
		rt.opts.Logger.WarnContext(ctx, "job attempt failed", "job", j.ID(), "attempt", n, "error", runErr)
	}
	_, after, err := rt.update(ctx, j.ID(), step, "", "", latest, func(j *job) error {
		switch {
		case !j.runs(n):
		case runErr == nil:
			domain.Raise(j, Succeeded{Attempt: n, Message: message})
		case hold:
			domain.Raise(j, AttemptHeld{Attempt: n, Module: moduleOf(j.typ)})
		default:
			j.fail(n, reason(runErr), isPermanent(runErr), now.Add(rt.backoff(n)))
		}
		return nil
	})
	span.End(err)
	switch {
	case err != nil:
		rt.opts.Logger.ErrorContext(ctx, "job outcome not stored; recovery retries the attempt", "job", j.ID(), "attempt", n, "error", err)
	case after.status == StatusRetrying:
		rt.timers.set(j.ID(), after.retryAt)
	case after.status == StatusQueued:
		// Held: the ticket's Handle waits while the module is disabled.
		rt.publish(ctx, Ticket{Job: j.ID(), Attempt: after.attempt + 1})
	}
}

// reason is what jobs.list shows of a failure: a domain error's message,
// a timeout, a panic or an input that does not fit; any other error may
// hold a driver's or a path's text and is in the log only.
func reason(err error) string {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return de.Message
	case errors.Is(err, errTimedOut):
		return err.Error()
	case isPermanent(err):
		return "the job failed for good (the cause is in the server log)"
	}
	return "the attempt failed (the cause is in the server log)"
}

// Wait blocks until no attempt runs. Call it when no ticket is being
// handled (tests, after Handle returned).
func (rt *Runtime) Wait() { rt.wg.Wait() }
