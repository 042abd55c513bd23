package sagas

import (
	"encoding/json"
	"time"
)

// The events below make up an instance's stream, "sagas.{definition}.{key}".
// Every input the instance handles (an event of the feed, a command's
// reply, a fired timer, an operator's command) appends one batch of them,
// whose ids derive from the input's id: a second delivery of the input
// appends nothing (the event store refuses the ids) and changes nothing.

// Started records that an event started an instance of a definition at
// a version; the version decides which logic the instance runs under.
type Started struct {
	Definition string `json:"definition"`
	Version    int    `json:"version"`
	Key        string `json:"key"`
	Tenant     string `json:"tenant,omitempty"`
}

// Handled records one input the instance handled, and its state after it.
type Handled struct {
	// Input is the input's id: the event id, the reply's command id and
	// attempt, the timer and its due time, the operator command's id.
	Input string `json:"input"`
	// Kind is "event", "reply", "timer" or "operator".
	Kind string `json:"kind"`
	// Name is the event type, step, timer or operator action.
	Name  string          `json:"name"`
	State json.RawMessage `json:"state"`
}

// CommandSent records a command the instance sent (or sent again, with a
// higher attempt) and what undoes it.
type CommandSent struct {
	Step      string          `json:"step"`
	Command   string          `json:"command"`
	Body      json.RawMessage `json:"body"`
	CommandID string          `json:"commandId"`
	Attempt   int             `json:"attempt"`
	// FirstAttempt is the attempt the current round of retries started
	// at: 1, or the attempt an operator's retry sent.
	FirstAttempt int `json:"firstAttempt"`
	// Compensation is false for a step of the process and true for the
	// command that undoes Step.
	Compensation bool `json:"compensation,omitempty"`
	// Undo is the command that undoes the step, sent when a later step
	// fails; empty when the step has none.
	Undo     string          `json:"undo,omitempty"`
	UndoBody json.RawMessage `json:"undoBody,omitempty"`
}

// StepSucceeded records a command's successful reply.
type StepSucceeded struct {
	Step         string `json:"step"`
	Compensation bool   `json:"compensation,omitempty"`
	Stream       string `json:"stream,omitempty"`
	Version      uint64 `json:"version,omitempty"`
	Position     uint64 `json:"position,omitempty"`
}

// StepFailed records a command's failed reply. A transient failure is
// retried (RetryScheduled) up to the runtime's bound.
type StepFailed struct {
	Step         string `json:"step"`
	Compensation bool   `json:"compensation,omitempty"`
	Attempt      int    `json:"attempt"`
	Code         string `json:"code,omitempty"`
	Message      string `json:"message"`
	Transient    bool   `json:"transient,omitempty"`
}

// TimerScheduled records a durable timer: it fires at DueAt, however long
// the process is down meanwhile. A retry's backoff is a timer too, named
// "retry:{step}".
type TimerScheduled struct {
	Timer string    `json:"timer"`
	DueAt time.Time `json:"dueAt"`
}

// TimerCancelled records that a pending timer will not fire.
type TimerCancelled struct {
	Timer string `json:"timer"`
}

// TimerFired records that a timer fired; a timer fires once.
type TimerFired struct {
	Timer string    `json:"timer"`
	DueAt time.Time `json:"dueAt"`
}

// CompensationStarted records that the instance undoes its completed
// steps, in the reverse order they completed.
type CompensationStarted struct {
	Reason string `json:"reason"`
}

// Completed records that the instance reached its end.
type Completed struct{}

// Compensated records that every completed step was undone.
type Compensated struct{}

// Failed records that the instance stopped and needs an operator, with
// the reason.
type Failed struct {
	Reason string `json:"reason"`
	// Step is the step (or compensation) that failed, if any: the one an
	// operator's retry sends again.
	Step         string `json:"step,omitempty"`
	Compensation bool   `json:"compensation,omitempty"`
}

// Retried records an operator's retry of a failed instance.
type Retried struct {
	By string `json:"by,omitempty"`
}

// Migrated records that the instance moved from an older definition
// version to a newer one, with its state as the migration made it.
type Migrated struct {
	From  int             `json:"from"`
	To    int             `json:"to"`
	State json.RawMessage `json:"state"`
}

// EventType names Started.
func (Started) EventType() string { return "sagas.Started" }

// EventType names Handled.
func (Handled) EventType() string { return "sagas.Handled" }

// EventType names CommandSent.
func (CommandSent) EventType() string { return "sagas.CommandSent" }

// EventType names StepSucceeded.
func (StepSucceeded) EventType() string { return "sagas.StepSucceeded" }

// EventType names StepFailed.
func (StepFailed) EventType() string { return "sagas.StepFailed" }

// EventType names TimerScheduled.
func (TimerScheduled) EventType() string { return "sagas.TimerScheduled" }

// EventType names TimerCancelled.
func (TimerCancelled) EventType() string { return "sagas.TimerCancelled" }

// EventType names TimerFired.
func (TimerFired) EventType() string { return "sagas.TimerFired" }

// EventType names CompensationStarted.
func (CompensationStarted) EventType() string { return "sagas.CompensationStarted" }

// EventType names Completed.
func (Completed) EventType() string { return "sagas.Completed" }

// EventType names Compensated.
func (Compensated) EventType() string { return "sagas.Compensated" }

// EventType names Failed.
func (Failed) EventType() string { return "sagas.Failed" }

// EventType names Retried.
func (Retried) EventType() string { return "sagas.Retried" }

// EventType names Migrated.
func (Migrated) EventType() string { return "sagas.Migrated" }
