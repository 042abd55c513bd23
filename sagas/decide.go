package sagas

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/webos-engine/webos/domain"
)

// decider turns one input into the events of an instance. It raises
// them on the instance, so each sees the state the ones before left; the
// runtime appends them in one batch and only then acts on them.
type decider struct {
	now         time.Time
	name        func(cmd any) (string, error)
	maxAttempts int
	backoff     func(attempt int) time.Duration
}

// decide raises what in leads to. An error is a refusal of an operator
// command; everything else, a handler's error included, is recorded.
func (d *decider) decide(inst *instance, p *Process, in input) error {
	if inst.handled[in.id] {
		return nil
	}
	lg, err := d.logic(inst, p)
	if err != nil {
		if in.kind == kindOperator && in.name == opCompensate {
			// Compensating needs no logic: the steps say what undoes them.
			if err := d.operate(inst, in); err != nil {
				return err
			}
			d.progress(inst)
			return nil
		}
		if inst.status != StatusFailed {
			domain.Raise(inst, Failed{Reason: err.Error()})
		}
		return nil
	}
	switch in.kind {
	case kindEvent:
		if inst.status != StatusFailed {
			d.run(inst, lg, in, call{kind: "event", event: in.event, typ: in.env.Type})
		}
	case kindReply:
		d.reply(inst, lg, in)
	case kindTimer:
		d.timer(inst, lg, in)
	case kindOperator:
		if err := d.operate(inst, in); err != nil {
			return err
		}
	}
	d.progress(inst)
	return nil
}

// logic picks the instance's logic, migrating it first when the current
// definition takes it over.
func (d *decider) logic(inst *instance, p *Process) (Logic, error) {
	lg, migrate, err := p.logicFor(inst.version)
	if err != nil || migrate == nil {
		return lg, err
	}
	state, err := migrate(inst.state)
	if err != nil {
		return nil, fmt.Errorf("saga %s: migrating from version %d: %w", lg.Name(), inst.version, err)
	}
	domain.Raise(inst, Migrated{From: inst.version, To: lg.Version(), State: state})
	return lg, nil
}

// run calls a handler and records the state and the actions it left.
func (d *decider) run(inst *instance, lg Logic, in input, c call) {
	c.in, c.now = inst, d.now
	state, acts, err := lg.run(c)
	if err != nil {
		domain.Raise(inst, Handled{Input: in.id, Kind: in.kind, Name: in.name, State: inst.state})
		domain.Raise(inst, Failed{Reason: "handler: " + err.Error()})
		return
	}
	domain.Raise(inst, Handled{Input: in.id, Kind: in.kind, Name: in.name, State: state})
	for _, a := range acts {
		if err := d.act(inst, a); err != nil {
			domain.Raise(inst, Failed{Reason: err.Error()})
			return
		}
	}
}

// act records one action a handler queued.
func (d *decider) act(inst *instance, a action) error {
	switch a.kind {
	case actSend:
		return d.send(inst, a)
	case actSchedule:
		if strings.HasPrefix(a.name, "retry") || a.name == "" {
			return fmt.Errorf("timer name %q: empty, or starting with \"retry\", which the runtime keeps for itself", a.name)
		}
		domain.Raise(inst, TimerScheduled{Timer: a.name, DueAt: d.now.Add(a.after).UTC()})
	case actCancel:
		if _, ok := inst.timers[a.name]; ok {
			domain.Raise(inst, TimerCancelled{Timer: a.name})
		}
	case actComplete:
		if inst.status == StatusRunning {
			domain.Raise(inst, Completed{})
			d.cancelTimers(inst)
		}
	case actCompensate:
		if inst.status == StatusRunning || inst.status == StatusCompleted {
			d.compensate(inst, a.reason)
		}
	case actFail:
		domain.Raise(inst, Failed{Reason: a.reason})
	}
	return nil
}

func (d *decider) send(inst *instance, a action) error {
	if a.name == "" || inst.steps[a.name] != nil {
		return fmt.Errorf("step %q: empty, or sent before (step names are unique in an instance)", a.name)
	}
	name, err := d.name(a.cmd)
	if err != nil {
		return fmt.Errorf("step %s: %w", a.name, err)
	}
	body, err := json.Marshal(a.cmd)
	if err != nil {
		return fmt.Errorf("step %s: %w", a.name, err)
	}
	sent := CommandSent{Step: a.name, Command: name, Body: body, CommandID: inst.ID() + "/" + a.name, Attempt: 1, FirstAttempt: 1}
	if a.undo != nil {
		if sent.Undo, err = d.name(a.undo); err != nil {
			return fmt.Errorf("step %s: undo: %w", a.name, err)
		}
		if sent.UndoBody, err = json.Marshal(a.undo); err != nil {
			return fmt.Errorf("step %s: undo: %w", a.name, err)
		}
	}
	domain.Raise(inst, sent)
	return nil
}

// compensate starts undoing; progress sends the compensations.
func (d *decider) compensate(inst *instance, reason string) {
	domain.Raise(inst, CompensationStarted{Reason: reason})
	d.cancelTimers(inst)
}

// cancelTimers cancels every pending timer: at an end, and when
// compensation starts, no deadline or retry of the process applies.
func (d *decider) cancelTimers(inst *instance) {
	names := make([]string, 0, len(inst.timers))
	for name := range inst.timers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		domain.Raise(inst, TimerCancelled{Timer: name})
	}
}
