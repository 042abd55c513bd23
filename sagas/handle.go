package sagas

import (
	"context"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// codeSendFailed is the reply code of a command the sender could not
// take: a transient failure, retried.
const codeSendFailed = "send_failed"

// attemptsOnConflict bounds how often one input is decided again when
// another process appended to the instance first.
const attemptsOnConflict = 5

// handle runs one input on the instance in stream; start, when set,
// creates the instance if it does not exist (an input for no instance
// is dropped, and a start event for an existing one is ignored).
func (rt *Runtime) handle(ctx context.Context, p *Process, stream string, in input, start *Started) error {
	_, err := rt.handleWith(ctx, p, stream, in, start, nil)
	return err
}

// handleWith is handle; seen, when set, is shown the instance as loaded.
//
// The events the input leads to are appended in one batch whose ids
// derive from the input's id, so a second delivery, here or in another
// process, cannot append them again. Only after the append do commands
// leave and timers start: a crash in between is repaired by Recover,
// which sends again what waits for a reply.
func (rt *Runtime) handleWith(ctx context.Context, p *Process, stream string, in input, start *Started, seen func(*instance)) (res application.Result, err error) {
	ctx, span := rt.span(ctx, p, stream, in)
	defer func() { span.End(err) }()
	var effects []domain.Event
	var inst *instance
	res = application.Result{Stream: stream, Events: []string{}}
	err = func() error {
		defer rt.locks.lock(stream)()
		for attempt := 1; ; attempt++ {
			inst = newInstance(stream)
			if err := rt.repo.Load(ctx, inst); err != nil {
				return err
			}
			if seen != nil {
				seen(inst)
			}
			switch {
			case !inst.Exists() && start == nil:
				return nil
			case !inst.Exists():
				domain.Raise(inst, *start)
			case start != nil:
				return nil
			}
			d := &decider{now: rt.opts.Clock(), name: rt.commandName, maxAttempts: rt.opts.MaxAttempts, backoff: rt.backoff}
			if err := d.decide(inst, p, in); err != nil {
				return err
			}
			pending := append([]domain.Event(nil), inst.Root().Pending()...)
			if len(pending) == 0 {
				return nil
			}
			meta := application.Meta{
				CommandID: "saga/" + stream + "/" + in.id, Tenant: inst.tenant, Actor: "saga:" + inst.definition,
				CorrelationID: stream, CausationID: in.env.ID,
			}
			saved, err := rt.repo.Save(application.WithMeta(ctx, meta), inst)
			if err == nil {
				effects, res = pending, saved
				return nil
			}
			if attempt >= attemptsOnConflict || domain.KindOf(err) != domain.KindConflict {
				return err
			}
		}
	}()
	if err != nil {
		return application.Result{}, err
	}
	if len(effects) > 0 {
		rt.boundary(PointRecorded, stream, in.what())
	}
	rt.act(ctx, inst, effects)
	return res, nil
}

// span starts the span of one saga step, when tracing is on: an input
// handled by an instance. An event's step is the child of the span that
// appended the event; a reply's, of the bus span that delivered it; an
// operator's, of the request's.
func (rt *Runtime) span(ctx context.Context, p *Process, stream string, in input) (context.Context, application.Span) {
	t := rt.app.Tracer()
	if t == nil {
		return application.StartSpan(ctx, nil, "", application.SpanOptions{})
	}
	o := application.SpanOptions{Kind: application.SpanInternal, Attrs: []application.SpanAttr{
		application.StrAttr("webos.saga", p.ProcessManagerName()), application.StrAttr("webos.saga.instance", stream),
		application.StrAttr("webos.saga.input", in.kind), application.StrAttr("webos.saga.step", in.name),
	}}
	if in.kind == kindEvent {
		o = application.EventSpanOptions(&in.env, o.Attrs...)
	}
	return t.Start(ctx, "saga."+in.kind+" "+p.ProcessManagerName(), o)
}

// act starts what the appended events ask for: commands leave, timers
// are set.
func (rt *Runtime) act(ctx context.Context, inst *instance, events []domain.Event) {
	for _, e := range events {
		switch e := e.(type) {
		case CommandSent:
			rt.dispatch(ctx, inst, e)
		case TimerScheduled:
			rt.timers.add(inst.ID(), e.Timer, e.DueAt)
		case TimerCancelled:
			rt.timers.remove(inst.ID(), e.Timer)
		case TimerFired:
			rt.timers.remove(inst.ID(), e.Timer)
		}
	}
}

// dispatch sends a recorded command. A send that fails is answered as a
// transient failure, so the step is retried with backoff.
func (rt *Runtime) dispatch(ctx context.Context, inst *instance, s CommandSent) {
	cmd := Command{Instance: inst.ID(), Step: s.Step, Compensation: s.Compensation, Name: s.Command, Body: s.Body,
		CommandID: s.CommandID, Attempt: s.Attempt, Tenant: inst.tenant, CorrelationID: inst.ID()}
	err := rt.sender.Send(ctx, cmd)
	if err == nil {
		rt.boundary(PointSent, cmd.Instance, StepName(cmd.Step, cmd.Compensation))
		return
	}
	rt.opts.Logger.WarnContext(ctx, "saga command not sent; it is retried", "instance", inst.ID(), "step", s.Step, "error", err)
	go func() {
		r := Reply{Instance: cmd.Instance, Step: cmd.Step, Compensation: cmd.Compensation, CommandID: cmd.CommandID,
			Attempt: cmd.Attempt, Code: codeSendFailed, Message: "the command could not be sent: " + err.Error(), Transient: true}
		if err := rt.HandleReply(context.WithoutCancel(ctx), r); err != nil {
			rt.opts.Logger.ErrorContext(ctx, "saga send failure not recorded; the step is sent again at the next start", "instance", cmd.Instance, "error", err)
		}
	}()
}

// commandName names a command value by its registered type.
func (rt *Runtime) commandName(cmd any) (string, error) {
	info, err := rt.app.CommandOf(cmd)
	return info.Name, err
}

// backoff is the wait before retry number n (1 and up).
func (rt *Runtime) backoff(n int) time.Duration {
	d := rt.opts.RetryBackoff
	for i := 1; i < n && d < rt.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, rt.opts.MaxBackoff)
}
