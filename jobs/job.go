package jobs

import (
	"encoding/json"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Status is where a job stands.
type Status string

// The states of a job. Queued, running and retrying are active; the
// others are ends.
const (
	StatusQueued    Status = "queued"
	StatusRunning   Status = "running"
	StatusRetrying  Status = "retrying"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusCancelled Status = "cancelled"
)

// Active reports whether a job in status s may still run.
func (s Status) Active() bool {
	return s == StatusQueued || s == StatusRunning || s == StatusRetrying
}

// StreamPrefix starts the id of every job's stream, and of every
// schedule's (SchedulePrefix).
const (
	StreamPrefix   = "jobs."
	SchedulePrefix = "jobs.schedule."
)

// jobStream is the stream, and id, of the job of type typ with key.
func jobStream(typ, key string) string { return StreamPrefix + typ + "." + key }

// job is one job, rebuilt from its stream.
type job struct {
	domain.Base
	typ, key, tenant, actor string
	input                   json.RawMessage
	maxAttempts             int
	timeout                 time.Duration
	status                  Status
	// attempt is the latest attempt started (0 before the first); held
	// counts those of them that were held (AttemptHeld), which do not
	// count towards maxAttempts.
	attempt   int
	held      int
	deadline  time.Time
	retryAt   time.Time
	percent   int
	message   string
	lastError string
}

func newJob(id string) *job { return &job{Base: domain.NewBase(id)} }

// Apply changes the job's state for one of its events.
func (j *job) Apply(e domain.Event) {
	switch e := e.(type) {
	case Enqueued:
		j.typ, j.key, j.tenant, j.actor, j.input = e.Type, e.Key, e.Tenant, e.Actor, e.Input
		j.maxAttempts, j.timeout, j.status = e.MaxAttempts, time.Duration(e.TimeoutMS)*time.Millisecond, StatusQueued
	case AttemptStarted:
		j.attempt, j.deadline, j.status, j.percent, j.message = e.Attempt, e.Deadline, StatusRunning, 0, ""
	case Progressed:
		j.percent, j.message = e.Percent, e.Message
	case AttemptFailed:
		j.status, j.lastError, j.retryAt = StatusRetrying, e.Error, e.RetryAt
	case AttemptHeld:
		j.status, j.held = StatusQueued, j.held+1
	case Succeeded:
		j.status, j.percent, j.message = StatusSucceeded, 100, e.Message
	case Failed:
		j.status, j.lastError = StatusFailed, e.Reason
	case Cancelled:
		j.status = StatusCancelled
	}
}

// runs reports whether attempt is the job's running attempt.
func (j *job) runs(attempt int) bool { return j.status == StatusRunning && j.attempt == attempt }

// next is the attempt a ticket may start now: the one after the latest,
// when the job waits for it.
func (j *job) next(now time.Time) (int, bool) {
	switch {
	case j.status == StatusQueued:
		return j.attempt + 1, true
	case j.status == StatusRetrying && !now.Before(j.retryAt):
		return j.attempt + 1, true
	}
	return 0, false
}

// fail records that attempt failed with reason: a retry after backoff
// while attempts remain (held ones do not count) and the failure is not
// permanent, else the end.
func (j *job) fail(attempt int, reason string, permanent bool, retryAt time.Time) {
	if permanent || attempt-j.held >= j.maxAttempts {
		domain.Raise(j, Failed{Attempt: attempt, Reason: reason})
		return
	}
	domain.Raise(j, AttemptFailed{Attempt: attempt, Error: reason, RetryAt: retryAt})
}
