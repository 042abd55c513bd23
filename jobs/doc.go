// Package jobs runs background jobs: work a module hands off to run
// outside the request that asked for it, with progress the shell can
// show.
//
// A module registers a job type with Register: a name, the Go type of its
// input (whose JSON Schema validates every job's input before anything is
// stored), the handler that runs one attempt, and its bounds (attempts,
// timeout, backoff), and optionally recurring schedules in cron syntax.
// Module code enqueues a job with application.RunBackground; an HTTP
// client with the command jobs.Enqueue.
//
// # State
//
// Each job lives in its own stream, "jobs.{type}.{key}", so it is
// audited, hash-chained and recovered by replay: Enqueued, then per
// attempt AttemptStarted, Progressed (percent and message), and
// AttemptFailed (with the time of the retry) or AttemptHeld until the
// job ends Succeeded, Failed or Cancelled. The key is the job's idempotency key:
// enqueueing the same type and key again returns the job stored first.
// Every append derives its event ids from the job and the step, and
// expects the version it decided on, so two workers, two processes or a
// redelivered message cannot start an attempt twice or end a job twice.
//
// # Dispatch
//
// Enqueue publishes a ticket (job and attempt) on the bus (Queue: a
// Watermill topic, see adapters/jobbus); Handle, the consumer, takes a
// worker slot (at most Options.Workers attempts run at once), records the
// attempt's start and runs it with the type's timeout. A ticket that is
// stale (its attempt started already, the job ended) is dropped. A
// failed attempt is retried after a backoff that doubles each time, up to
// the type's attempts; a handler's Permanent error fails the job at once.
// A cancelled job's running attempt has its context cancelled; a result
// that arrives after the job ended is not recorded.
//
// # Recovery
//
// Tickets may be lost (GoChannel keeps nothing across a crash): Recover,
// run at start and periodically, reads the view jobs.list for the jobs
// still active and publishes their tickets again, sets their retry
// timers, and retries an attempt whose process died: at once when
// Options.Exclusive says no other process runs jobs on this event store,
// else once the attempt's deadline (start + timeout) has passed.
//
// # Disabled modules
//
// A job type whose module is disabled in a tenant cannot be enqueued
// there (application.CodeModuleDisabled; a principal is answered as for
// a type that does not exist), its queued jobs wait without starting
// until it is enabled, a running attempt that its own module refuses is
// held (AttemptHeld: the job waits again, the attempt not counted), and
// its schedules' ticks are recorded skipped (disabled.go).
//
// # Schedules
//
// A schedule's stream, "jobs.schedule.{type}.{name}", records when it was
// armed and each tick it fired, so it survives restarts. When the process
// was down over several ticks, the job of the latest missed tick is
// enqueued once; its key is the schedule and tick, so firing again
// enqueues nothing.
package jobs
