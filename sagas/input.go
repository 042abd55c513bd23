package sagas

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/webos-engine/webos/domain"
)

// Input kinds, as Handled records them.
const (
	kindEvent    = "event"
	kindReply    = "reply"
	kindTimer    = "timer"
	kindOperator = "operator"
)

// Operator actions.
const (
	opRetry      = "retry"
	opCompensate = "compensate"
)

// input is one thing an instance handles. Its id makes it idempotent: the
// instance's events for it get ids derived from it.
type input struct {
	id   string
	kind string
	name string
	// event and env, for kindEvent.
	event domain.Event
	env   domain.Envelope
	// reply, for kindReply.
	reply Reply
	// due, for kindTimer (name is the timer).
	due time.Time
	// reason and by, for kindOperator (name is the action).
	reason string
	by     string
}

// Command is a command an instance sends, as the command bus carries it
// to the module's handler.
type Command struct {
	// Instance is the id of the instance's stream.
	Instance string `json:"instance"`
	Step     string `json:"step"`
	// Compensation is true when the command undoes Step.
	Compensation bool            `json:"compensation,omitempty"`
	Name         string          `json:"name"`
	Body         json.RawMessage `json:"body"`
	// CommandID makes the command idempotent (application.WithCommandID):
	// sent again after a crash or a retry, it is applied once.
	CommandID     string `json:"commandId"`
	Attempt       int    `json:"attempt"`
	Tenant        string `json:"tenant,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
}

// Reply is what came of a Command, sent back to the instance as an event.
type Reply struct {
	Instance     string `json:"instance"`
	Step         string `json:"step"`
	Compensation bool   `json:"compensation,omitempty"`
	CommandID    string `json:"commandId"`
	Attempt      int    `json:"attempt"`
	OK           bool   `json:"ok"`
	Stream       string `json:"stream,omitempty"`
	Version      uint64 `json:"version,omitempty"`
	Position     uint64 `json:"position,omitempty"`
	// Code and Message say why the command failed; Transient marks a
	// failure worth retrying (the store or bus was unavailable), as
	// opposed to a refusal by the module.
	Code      string `json:"code,omitempty"`
	Message   string `json:"message,omitempty"`
	Transient bool   `json:"transient,omitempty"`
}

func (r Reply) inputID() string {
	return "reply:" + r.CommandID + "#" + itoa(r.Attempt)
}

func itoa(n int) string { return strconv.Itoa(n) }
