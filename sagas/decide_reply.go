package sagas

import (
	"fmt"
	"strings"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// reply records a command's reply and reacts to it. A reply to no step
// awaiting one (a duplicate, or an attempt superseded) changes nothing. A
// command refused because its module is disabled in the tenant fails the
// instance at once: no retries, no compensation, an operator decides.
func (d *decider) reply(inst *instance, lg Logic, in input) {
	r := in.reply
	s := inst.stepOf(r.Step, r.Compensation)
	if s == nil || s.state != stepSent || s.attempt != r.Attempt {
		return
	}
	if r.OK {
		domain.Raise(inst, StepSucceeded{Step: r.Step, Compensation: r.Compensation, Stream: r.Stream, Version: r.Version, Position: r.Position})
		if !r.Compensation && inst.status != StatusCompensating && inst.status != StatusFailed {
			d.run(inst, lg, in, call{kind: "done", result: StepResult{Step: r.Step, Stream: r.Stream, Version: r.Version, Position: r.Position}})
		}
		return
	}
	domain.Raise(inst, StepFailed{Step: r.Step, Compensation: r.Compensation, Attempt: r.Attempt, Code: r.Code, Message: r.Message, Transient: r.Transient})
	what := "step " + r.Step
	if r.Compensation {
		what = "the compensation of step " + r.Step
	}
	switch {
	case r.Code == application.CodeModuleDisabled:
		// Not the module's answer: an operator turned it off in the
		// tenant. The instance waits, failed, for the module to be
		// enabled and the step retried (or for a compensation).
		d.fail(inst, fmt.Sprintf("%s was not applied: %s", what, r.Message), r.Step, r.Compensation)
	case r.Transient && r.Attempt-s.sent.FirstAttempt+1 < d.maxAttempts:
		prefix := retryPrefix
		if r.Compensation {
			prefix = undoRetryPrefix
		}
		domain.Raise(inst, TimerScheduled{Timer: prefix + r.Step, DueAt: d.now.Add(d.backoff(r.Attempt - s.sent.FirstAttempt + 1)).UTC()})
	case r.Transient:
		d.fail(inst, fmt.Sprintf("%s failed %d times; the last: %s", what, r.Attempt-s.sent.FirstAttempt+1, r.Message), r.Step, r.Compensation)
	case r.Compensation:
		d.fail(inst, fmt.Sprintf("%s was refused: %s", what, r.Message), r.Step, true)
	case inst.status == StatusRunning:
		d.run(inst, lg, in, call{kind: "refused", refusl: StepError{Step: r.Step, Code: r.Code, Message: r.Message}})
	}
}

// fail stops the instance for an operator.
func (d *decider) fail(inst *instance, reason, step string, compensation bool) {
	if inst.status == StatusFailed {
		return
	}
	domain.Raise(inst, Failed{Reason: reason, Step: step, Compensation: compensation})
	d.cancelTimers(inst)
}

// timer fires a pending timer: a retry sends its step again, the others
// go to the definition's OnTimer. A timer no longer pending, or moved to
// another time, changes nothing.
func (d *decider) timer(inst *instance, lg Logic, in input) {
	due, ok := inst.timers[in.name]
	if !ok || !due.Equal(in.due) {
		return
	}
	domain.Raise(inst, TimerFired{Timer: in.name, DueAt: due})
	switch {
	case strings.HasPrefix(in.name, undoRetryPrefix):
		d.resend(inst, inst.undos[strings.TrimPrefix(in.name, undoRetryPrefix)], false)
	case strings.HasPrefix(in.name, retryPrefix):
		d.resend(inst, inst.steps[strings.TrimPrefix(in.name, retryPrefix)], false)
	case inst.status == StatusRunning:
		d.run(inst, lg, in, call{kind: "timer", timer: in.name})
	}
}

// resend sends a step again, as its next attempt; a new round starts
// the retry count again (an operator's retry).
func (d *decider) resend(inst *instance, s *step, newRound bool) {
	if s == nil || s.state != stepFailed {
		return
	}
	next := s.sent
	next.Attempt = s.attempt + 1
	if newRound {
		next.FirstAttempt = next.Attempt
	}
	domain.Raise(inst, next)
}

// operate runs an operator's command; it refuses one that does not fit
// the instance's status.
func (d *decider) operate(inst *instance, in input) error {
	switch in.name {
	case opRetry:
		if inst.status != StatusFailed {
			return domain.Errorf(domain.KindConflict, "saga_not_failed", "instance %s is %s; only a failed instance can be retried", inst.ID(), inst.status)
		}
		f := inst.failure
		if f.Step == "" {
			return domain.Errorf(domain.KindConflict, "saga_nothing_to_retry",
				"instance %s failed outside a step (%s); compensate it instead", inst.ID(), f.Reason)
		}
		domain.Raise(inst, Retried{By: in.by})
		domain.Raise(inst, Handled{Input: in.id, Kind: in.kind, Name: in.name, State: inst.state})
		if f.Compensation {
			d.resend(inst, inst.undos[f.Step], true)
		} else {
			d.resend(inst, inst.steps[f.Step], true)
		}
	case opCompensate:
		switch inst.status {
		case StatusRunning, StatusFailed, StatusCompleted:
		default:
			return domain.Errorf(domain.KindConflict, "saga_not_compensable", "instance %s is %s; it cannot be compensated", inst.ID(), inst.status)
		}
		domain.Raise(inst, Handled{Input: in.id, Kind: in.kind, Name: in.name, State: inst.state})
		reason := in.reason
		if reason == "" {
			reason = "compensated by an operator"
		}
		d.compensate(inst, reason)
	}
	return nil
}

// progress moves a compensation on: once no step awaits its reply, it
// sends the compensation of the latest step that succeeded and is not
// undone yet, one at a time, and ends the instance compensated when none
// is left. A compensation that failed and waits for no retry is sent
// again (an operator compensating a failed instance).
func (d *decider) progress(inst *instance) {
	if inst.status != StatusCompensating || inst.inFlight() {
		return
	}
	for i := len(inst.done) - 1; i >= 0; i-- {
		name := inst.done[i]
		u := inst.undos[name]
		switch {
		case u == nil:
			s := inst.steps[name].sent
			domain.Raise(inst, CommandSent{Step: name, Compensation: true, Command: s.Undo, Body: s.UndoBody,
				CommandID: inst.ID() + "/undo/" + name, Attempt: 1, FirstAttempt: 1})
			return
		case u.state == stepSucceeded:
			continue
		case u.state == stepFailed:
			if _, waiting := inst.timers[undoRetryPrefix+name]; !waiting {
				d.resend(inst, u, true)
			}
			return
		default:
			return
		}
	}
	domain.Raise(inst, Compensated{})
}
