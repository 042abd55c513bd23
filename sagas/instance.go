package sagas

import (
	"encoding/json"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Status is where an instance stands.
type Status string

// The states of an instance. Completed and compensated are ends, yet an
// instance still takes the events its definition continues on (a late
// answer, a customer cancelling after completion may compensate it).
// Failed waits for an operator: retry, or compensate.
const (
	StatusRunning      Status = "running"
	StatusCompensating Status = "compensating"
	StatusCompensated  Status = "compensated"
	StatusCompleted    Status = "completed"
	StatusFailed       Status = "failed"
)

// Step states.
const (
	stepSent      = "sent"
	stepSucceeded = "succeeded"
	stepFailed    = "failed"
)

// retryPrefix names the timer that sends a step again after a transient
// failure; undoRetryPrefix that of a compensation.
const (
	retryPrefix     = "retry:"
	undoRetryPrefix = "retry-undo:"
)

// step is a command the instance sent: a step of the process or the
// compensation of one.
type step struct {
	sent    CommandSent
	state   string
	attempt int
	// lastError is the last failure's message.
	lastError string
}

// instance is one saga instance, rebuilt from its stream.
type instance struct {
	domain.Base
	definition string
	version    int
	key        string
	tenant     string
	status     Status
	reason     string
	state      json.RawMessage
	handled    map[string]bool
	steps      map[string]*step
	undos      map[string]*step
	// done lists the steps that succeeded and have a compensation, in the
	// order they succeeded: compensation walks it backwards.
	done   []string
	timers map[string]time.Time
	// failure is the Failed event while the instance is failed, and
	// failedFrom the status it failed in.
	failure    Failed
	failedFrom Status
}

func newInstance(stream string) *instance {
	return &instance{Base: domain.NewBase(stream), handled: map[string]bool{}, steps: map[string]*step{},
		undos: map[string]*step{}, timers: map[string]time.Time{}}
}

// Apply changes the instance's state for one of its events.
func (in *instance) Apply(e domain.Event) {
	switch e := e.(type) {
	case Started:
		in.definition, in.version, in.key, in.tenant, in.status = e.Definition, e.Version, e.Key, e.Tenant, StatusRunning
	case Handled:
		in.handled[e.Input] = true
		in.state = e.State
	case CommandSent:
		steps := in.steps
		if e.Compensation {
			steps = in.undos
		}
		steps[e.Step] = &step{sent: e, state: stepSent, attempt: e.Attempt}
	case StepSucceeded:
		in.applySucceeded(e)
	case StepFailed:
		if s := in.stepOf(e.Step, e.Compensation); s != nil {
			s.state, s.lastError = stepFailed, e.Message
		}
	case TimerScheduled:
		in.timers[e.Timer] = e.DueAt
	case TimerCancelled:
		delete(in.timers, e.Timer)
	case TimerFired:
		delete(in.timers, e.Timer)
	case CompensationStarted:
		in.status, in.reason = StatusCompensating, e.Reason
	case Completed:
		in.status = StatusCompleted
	case Compensated:
		in.status = StatusCompensated
	case Failed:
		in.failedFrom, in.failure = in.status, e
		in.status, in.reason = StatusFailed, e.Reason
	case Retried:
		in.status, in.failure = in.failedFrom, Failed{}
	case Migrated:
		in.version, in.state = e.To, e.State
	}
}

func (in *instance) applySucceeded(e StepSucceeded) {
	s := in.stepOf(e.Step, e.Compensation)
	if s == nil {
		return
	}
	s.state = stepSucceeded
	if !e.Compensation && s.sent.Undo != "" {
		in.done = append(in.done, e.Step)
	}
}

func (in *instance) stepOf(name string, compensation bool) *step {
	if compensation {
		return in.undos[name]
	}
	return in.steps[name]
}

// inFlight reports whether a step of the process still waits for its
// reply.
func (in *instance) inFlight() bool {
	for _, s := range in.steps {
		if s.state == stepSent {
			return true
		}
	}
	return false
}
