package sagas

import (
	"time"
)

// Context is what a handler sees of its instance and does through it.
// Handlers change State in place; the other methods queue actions that
// the runtime records in the instance's stream, in order, before any of
// them takes effect.
type Context[S any] struct {
	// State is the instance's state, as the last input left it.
	State *S

	instance string
	key      string
	status   Status
	version  int
	now      time.Time
	acts     []action
}

// actionKind tells the actions a handler queues apart.
type actionKind int

const (
	actSend actionKind = iota
	actSchedule
	actCancel
	actComplete
	actCompensate
	actFail
)

// action is one thing a handler asked for.
type action struct {
	kind   actionKind
	name   string // step or timer
	cmd    any
	undo   any
	after  time.Duration
	reason string
}

// StepOption adjusts a step sent with Context.Send.
type StepOption func(*action)

// Undo declares the command that undoes the step: when a later step
// fails, the compensations of the steps that succeeded are sent in the
// reverse order they succeeded, each after the one before it succeeded.
// It must be safe to send twice (the runtime sends it with its own
// command id, once, but an operator may retry it).
func Undo(cmd any) StepOption { return func(a *action) { a.undo = cmd } }

// Instance returns the instance's id: the id of its stream.
func (c *Context[S]) Instance() string { return c.instance }

// Key returns the instance's correlation key.
func (c *Context[S]) Key() string { return c.key }

// Status returns the instance's status before this input.
func (c *Context[S]) Status() Status { return c.status }

// Version returns the definition version the instance runs under.
func (c *Context[S]) Version() int { return c.version }

// Now returns the time the input is handled at (the runtime's clock).
func (c *Context[S]) Now() time.Time { return c.now }

// Send sends cmd, a value of a registered command type, as the step
// named step (unique in the instance). Its command id derives from the
// instance and the step, so it is applied once however often it is sent.
// The reply arrives at OnStepDone or OnStepFailed.
func (c *Context[S]) Send(step string, cmd any, opts ...StepOption) {
	a := action{kind: actSend, name: step, cmd: cmd}
	for _, o := range opts {
		o(&a)
	}
	c.acts = append(c.acts, a)
}

// Schedule sets the timer named timer to fire after d (a timer of that
// name already pending is moved). It is stored in the instance's stream
// and fires once, at OnTimer, even when the process was down when it
// fell due.
func (c *Context[S]) Schedule(timer string, d time.Duration) {
	c.acts = append(c.acts, action{kind: actSchedule, name: timer, after: d})
}

// Cancel cancels the pending timer named timer, if any.
func (c *Context[S]) Cancel(timer string) {
	c.acts = append(c.acts, action{kind: actCancel, name: timer})
}

// Complete ends the instance as completed; its pending timers are
// cancelled.
func (c *Context[S]) Complete() { c.acts = append(c.acts, action{kind: actComplete}) }

// Compensate undoes the steps that succeeded, in reverse order, after the
// steps still awaiting their replies have answered; the instance ends
// compensated. It works on a running or completed instance.
func (c *Context[S]) Compensate(reason string) {
	c.acts = append(c.acts, action{kind: actCompensate, reason: reason})
}

// Fail stops the instance as failed with reason, for an operator to
// retry or compensate.
func (c *Context[S]) Fail(reason string) {
	c.acts = append(c.acts, action{kind: actFail, reason: reason})
}
