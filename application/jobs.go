package application

import (
	"context"
	"reflect"

	"github.com/webos-engine/webos/domain"
)

// JobType is a background job type a module registers with
// Registrar.JobType. The jobs package builds them (jobs.Register) and its
// runtime runs them; the kernel keeps them under the same all-or-nothing
// rule as the module's other registrations, and validates every job's
// input against the JSON Schema generated from the type's input.
type JobType interface {
	// JobTypeName is "{module}.{name}", unique among the running modules.
	JobTypeName() string
	// JobInput is the Go type of the job's input.
	JobInput() reflect.Type
}

// JobType adds a background job type; its name must start with
// "{module}.".
func (r *Registrar) JobType(jt JobType) { r.jobTypes = append(r.jobTypes, jt) }

// JobTypes lists the registered job types in registration order.
func (a *App) JobTypes() []JobType {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return append([]JobType(nil), a.jobTypes...)
}

// jobSchema is the name a job type's input schema is kept under by the
// SchemaValidator, apart from the commands'.
func jobSchema(jobType string) string { return "job:" + jobType }

// ValidateJobInput checks input, the JSON of a job's input, against the
// schema of jobType's input: a domain.KindInvalid error with field
// pointers (relative to the input) when it does not match.
func (a *App) ValidateJobInput(jobType string, input []byte) error {
	strict, err := StrictObject(input)
	if err != nil {
		return err
	}
	return a.deps.Validator.Validate(jobSchema(jobType), strict)
}

// Job is a background job to run: a registered job type and its input.
type Job struct {
	// Type is the job type, "{module}.{name}".
	Type string
	// Input is a value of the type's input type, or its JSON
	// (json.RawMessage).
	Input any
	// Key is the job's idempotency key: enqueueing a job of the same
	// type and key again returns the first job and enqueues nothing.
	// Empty, the job gets a fresh key.
	Key string
}

// JobQueue enqueues background jobs; the jobs runtime implements it.
type JobQueue interface {
	// Enqueue stores job and hands it to the workers. Its Result names
	// the job's stream, which is the job's id.
	Enqueue(ctx context.Context, job Job) (Result, error)
}

type jobQueueKey struct{}

// WithJobQueue returns ctx carrying q, which RunBackground uses.
func WithJobQueue(ctx context.Context, q JobQueue) context.Context {
	return context.WithValue(ctx, jobQueueKey{}, q)
}

// RunBackground enqueues job on the queue the engine put in ctx: every
// command handler and every running job has one when the engine runs
// jobs. It fails with a domain.KindConflict error when ctx has none.
func RunBackground(ctx context.Context, job Job) (Result, error) {
	q, ok := ctx.Value(jobQueueKey{}).(JobQueue)
	if !ok || q == nil {
		return Result{}, domain.Errorf(domain.KindConflict, "jobs_not_running", "background jobs are not running in this process")
	}
	return q.Enqueue(ctx, job)
}

// UseJobs makes q the queue of RunBackground in every command handler.
func (a *App) UseJobs(q JobQueue) { a.jobs.Store(&q) }

// withJobs hands the queue set by UseJobs to the handlers d runs.
func (a *App) withJobs(d Dispatch) Dispatch {
	return func(ctx context.Context, req *CommandRequest) (Result, error) {
		if q := a.jobs.Load(); q != nil {
			ctx = WithJobQueue(ctx, *q)
		}
		return d(ctx, req)
	}
}
