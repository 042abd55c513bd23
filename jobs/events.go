package jobs

import (
	"encoding/json"
	"time"
)

// The events of a job's stream, "jobs.{type}.{key}".

// Enqueued records a job: its type, key and input, who asked, and the
// bounds it runs under.
type Enqueued struct {
	Type        string          `json:"type"`
	Key         string          `json:"key"`
	Input       json.RawMessage `json:"input"`
	Tenant      string          `json:"tenant,omitempty"`
	Actor       string          `json:"actor,omitempty"`
	MaxAttempts int             `json:"maxAttempts"`
	// TimeoutMS bounds one attempt, in milliseconds.
	TimeoutMS int64 `json:"timeoutMs"`
	// Schedule names the schedule that enqueued the job, if any.
	Schedule string `json:"schedule,omitempty"`
}

// AttemptStarted records that a worker started attempt Attempt, which
// must end by Deadline.
type AttemptStarted struct {
	Attempt  int       `json:"attempt"`
	Deadline time.Time `json:"deadline"`
}

// Progressed records the progress a running attempt reported.
type Progressed struct {
	Attempt int    `json:"attempt"`
	Percent int    `json:"percent"`
	Message string `json:"message,omitempty"`
}

// AttemptFailed records a failed attempt and when the next one may start.
type AttemptFailed struct {
	Attempt int       `json:"attempt"`
	Error   string    `json:"error"`
	RetryAt time.Time `json:"retryAt"`
}

// AttemptHeld records that attempt Attempt ended refused by its own
// module, Module, which was disabled in the job's tenant while it ran:
// the job waits, queued, until the module is enabled, and the attempt
// does not count towards the job's attempts.
type AttemptHeld struct {
	Attempt int    `json:"attempt"`
	Module  string `json:"module"`
}

// Succeeded records that the job is done; a job succeeds once.
type Succeeded struct {
	Attempt int    `json:"attempt"`
	Message string `json:"message,omitempty"`
}

// Failed records that the job gave up, with the reason.
type Failed struct {
	Attempt int    `json:"attempt"`
	Reason  string `json:"reason"`
}

// Cancelled records that the job was cancelled; a running attempt is
// stopped and its outcome not recorded.
type Cancelled struct {
	By     string `json:"by,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// The events of a schedule's stream, "jobs.schedule.{type}.{name}".

// ScheduleArmed records when a schedule first ran: ticks before it are not
// caught up.
type ScheduleArmed struct {
	Schedule string    `json:"schedule"`
	Type     string    `json:"type"`
	Cron     string    `json:"cron"`
	TimeZone string    `json:"timeZone"`
	Since    time.Time `json:"since"`
	Next     time.Time `json:"next"`
}

// ScheduleFired records the tick a schedule enqueued its job for, and the
// next tick. Ticks missed while the process was down are covered by the
// latest one: a schedule fires once however many it missed. Skipped,
// when set, is why the tick enqueued no job (Job is empty):
// application.CodeModuleDisabled when the job type's module was disabled.
type ScheduleFired struct {
	Schedule string    `json:"schedule"`
	Tick     time.Time `json:"tick"`
	Missed   int       `json:"missed,omitempty"`
	Job      string    `json:"job"`
	Skipped  string    `json:"skipped,omitempty"`
	Next     time.Time `json:"next"`
}

// EventType names Enqueued.
func (Enqueued) EventType() string { return "jobs.Enqueued" }

// EventType names AttemptStarted.
func (AttemptStarted) EventType() string { return "jobs.AttemptStarted" }

// EventType names Progressed.
func (Progressed) EventType() string { return "jobs.Progressed" }

// EventType names AttemptFailed.
func (AttemptFailed) EventType() string { return "jobs.AttemptFailed" }

// EventType names AttemptHeld.
func (AttemptHeld) EventType() string { return "jobs.AttemptHeld" }

// EventType names Succeeded.
func (Succeeded) EventType() string { return "jobs.Succeeded" }

// EventType names Failed.
func (Failed) EventType() string { return "jobs.Failed" }

// EventType names Cancelled.
func (Cancelled) EventType() string { return "jobs.Cancelled" }

// EventType names ScheduleArmed.
func (ScheduleArmed) EventType() string { return "jobs.ScheduleArmed" }

// EventType names ScheduleFired.
func (ScheduleFired) EventType() string { return "jobs.ScheduleFired" }
