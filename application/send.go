package application

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
)

// SendOption adjusts the Meta of a command sent with Send.
type SendOption func(*Meta)

// WithCommandID gives the command an id (Meta.CommandID) that makes it
// idempotent: sending it again with the same id, after a crash or a
// retry, returns the first result and appends nothing. Derive the id from
// what triggered the command (a saga step, a job run) so a retry reuses it.
func WithCommandID(id string) SendOption {
	return func(m *Meta) { m.CommandID = id }
}

// Send runs cmd, a value of a registered command type, through the same
// pipeline as a command received over HTTP: schema validation,
// authorisation of the actor in ctx, the handler, logging. The command's
// Meta derives from ctx's: the same actor, tenant, trace context and
// correlation id, and as causation the id of the message being handled
// (Meta.MessageID, else CommandID, else RequestID), which also starts the
// correlation when there was none. It is what sagas and jobs call. A
// command whose module is disabled in the tenant of ctx is refused with
// a CodeModuleDisabled error (IsModuleDisabled), whoever the actor.
func Send[C any](ctx context.Context, app *App, cmd C, opts ...SendOption) (Result, error) {
	entry, err := app.commandTaking(reflect.TypeFor[C]())
	if err != nil {
		return Result{}, err
	}
	if err := app.refuseOff(ctx, entry.info.Name, nil); err != nil {
		return Result{}, err
	}
	body, err := json.Marshal(cmd)
	if err != nil {
		return Result{}, fmt.Errorf("send %s: %w", entry.info.Name, err)
	}
	meta := sentFrom(MetaFrom(ctx))
	for _, o := range opts {
		o(&meta)
	}
	return app.dispatch(WithMeta(ctx, meta), &CommandRequest{Info: entry.info, Body: body, entry: entry})
}

// commandTaking finds the one registered command whose Go type is t.
func (a *App) commandTaking(t reflect.Type) (*commandEntry, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var found *commandEntry
	for _, c := range a.commands {
		if c.info.Type != t {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("send: %s is the type of both %s and %s; give each command its own type", t, found.info.Name, c.info.Name)
		}
		found = c
	}
	if found == nil {
		return nil, fmt.Errorf("send: no running module registered a command of type %s", t)
	}
	return found, nil
}

// sentFrom is the Meta of a command sent while handling the message
// parent describes. If-Match and the command id are the parent's own and
// do not carry over.
func sentFrom(parent Meta) Meta {
	cause := parent.MessageID
	if cause == "" {
		cause = parent.CommandID
	}
	if cause == "" {
		cause = parent.RequestID
	}
	corr := parent.CorrelationID
	if corr == "" {
		corr = cause
	}
	return Meta{
		RequestID: parent.RequestID, Actor: parent.Actor, Tenant: parent.Tenant,
		CorrelationID: corr, CausationID: cause, TraceContext: parent.TraceContext,
	}
}
