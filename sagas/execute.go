package sagas

import (
	"context"
	"errors"
	"log/slog"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// CodeUnavailable is the code of a reply whose command failed for a
// reason outside the module, worth retrying.
const CodeUnavailable = "unavailable"

// Actor is the actor of the commands instances send, and of their events.
const Actor = "saga"

// Execute runs cmd through app's command pipeline, as the handler at the
// far end of the command bus does, and answers its reply. The command
// carries its command id, so running it again (a redelivery, a resend
// after a crash) applies it once and answers the first result. A refusal
// by the module (a domain error) is final; any other error (and a
// version conflict that outlasted the handler's own retries) is
// transient, and logged.
func Execute(ctx context.Context, app *application.App, cmd Command, log *slog.Logger) Reply {
	meta := application.Meta{
		Actor: Actor, Tenant: cmd.Tenant, CorrelationID: cmd.CorrelationID, CausationID: cmd.Instance,
		CommandID: cmd.CommandID, RequestID: cmd.CommandID,
	}
	res, err := app.Dispatch(application.WithMeta(ctx, meta), cmd.Name, cmd.Body)
	r := Reply{Instance: cmd.Instance, Step: cmd.Step, Compensation: cmd.Compensation, CommandID: cmd.CommandID, Attempt: cmd.Attempt}
	if err == nil {
		r.OK, r.Stream, r.Version, r.Position = true, res.Stream, res.Version, res.Position
		return r
	}
	var de *domain.Error
	if errors.As(err, &de) && de.Code != "version_conflict" {
		r.Code, r.Message = de.Code, de.Message
		return r
	}
	// The cause may hold SQL or a driver's text, which the instance's
	// stream (and its view) must not: it goes to the log.
	log.ErrorContext(ctx, "saga command failed; it is retried", "instance", cmd.Instance, "step", cmd.Step,
		"command", cmd.Name, "attempt", cmd.Attempt, "error", err)
	r.Code, r.Message, r.Transient = CodeUnavailable, "the command could not be applied now (the cause is in the server log)", true
	if de != nil {
		r.Code, r.Message = de.Code, de.Message
	}
	return r
}
