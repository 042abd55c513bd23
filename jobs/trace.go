package jobs

import (
	"context"

	"github.com/webos-engine/webos/application"
)

// span starts a span of attempt n of j when tracing is on: name and the
// job type. Its parent is parent when given (the attempt's run span, for
// the span recording its outcome), else the span that enqueued the job
// (the trace context its first event recorded), so the attempt, its
// bookkeeping and the commands it sends join the trace of the request or
// command that asked for the job. A job a schedule enqueued starts a
// trace of its own.
func (rt *Runtime) span(ctx context.Context, name string, j *job, n int, parent map[string]string) (context.Context, application.Span) {
	t := rt.app.Tracer()
	if t == nil {
		return application.StartSpan(ctx, nil, "", application.SpanOptions{})
	}
	o := application.SpanOptions{Kind: application.SpanConsumer, Parent: parent, Attrs: []application.SpanAttr{
		application.StrAttr("webos.job.type", j.typ), application.StrAttr("webos.job.id", j.ID()),
		application.IntAttr("webos.job.attempt", int64(n)),
	}}
	if parent == nil {
		if first, err := rt.events.ReadStream(ctx, j.ID(), 1, application.Forward, 1); err == nil && len(first) == 1 {
			o.Parent = first[0].TraceContext
		}
	} else {
		o.Kind = application.SpanInternal
	}
	return t.Start(ctx, name+" "+j.typ, o)
}

// traceContext is the trace context of the span in ctx, nil when tracing
// is off.
func (rt *Runtime) traceContext(ctx context.Context) map[string]string {
	if t := rt.app.Tracer(); t != nil {
		return t.TraceContext(ctx)
	}
	return nil
}
