package projections

import (
	"context"
	"fmt"

	"github.com/webos-engine/webos/application"
)

// batch accumulates events for one read-model transaction. Events the
// projection does not handle only move the checkpoint.
type batch struct {
	r     *runner
	items []item
	size  int
	// last is the checkpoint the batch commits: the store's id and the
	// position and hash of the last event added.
	last application.Checkpoint
}

func (b *batch) add(it item) {
	if it.handled {
		b.items = append(b.items, it)
	}
	b.size++
	b.last.Position, b.last.Hash = it.env.Position, it.env.Hash
}

func (b *batch) flush(ctx context.Context) error {
	if b.size == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, flushTimeout)
	defer cancel()
	ctx, span := b.span(ctx)
	err := b.r.rt.store.Apply(ctx, b.r.key(), b.last, func(stx application.ReadModelTx) error {
		tx := newOverlay(b.r.rename(stx))
		for i := range b.items {
			it := &b.items[i]
			if it.err != nil {
				return &eventError{position: it.env.Position, typ: it.env.Type, code: CodeUndecodable, err: it.err}
			}
			tx.event(it.env.Position)
			if err := b.r.p.Apply(ctx, tx, it.env, it.ev); err != nil {
				if tx.failed != nil {
					// The store failed under the handler: the event is not
					// at fault, and a retry can succeed.
					return fmt.Errorf("position %d (%s): read-model store: %w", it.env.Position, it.env.Type, err)
				}
				return &eventError{position: it.env.Position, typ: it.env.Type, code: CodeHandler, err: err}
			}
		}
		return tx.flush(ctx)
	})
	span.End(err)
	if err != nil {
		return err
	}
	b.r.flushes++
	b.r.applied += uint64(b.size)
	last := b.last.Position
	b.r.set(func(s *Status) { s.Checkpoint = last })
	clear(b.items) // drop the references to the applied events
	b.items, b.size = b.items[:0], 0
	return nil
}

// maxLinks bounds the links of a batch span to the traces of its events.
const maxLinks = 64

// span starts the batch's span when tracing is on and the batch applies
// events (one that only moves the checkpoint is not traced): the child of
// the span that appended its first event that recorded a trace, so a
// batch written for one command is part of that command's trace, linked
// to the traces of the other events (up to maxLinks).
func (b *batch) span(ctx context.Context) (context.Context, application.Span) {
	t := b.r.rt.opts.Tracer
	if t == nil || len(b.items) == 0 {
		return application.StartSpan(ctx, nil, "", application.SpanOptions{})
	}
	o := application.SpanOptions{Kind: application.SpanConsumer, Attrs: []application.SpanAttr{
		application.StrAttr("webos.projection", b.r.p.Name()), application.IntAttr("webos.events", int64(b.size)),
		application.IntAttr("webos.events.applied", int64(len(b.items))), application.IntAttr("webos.position", int64(b.last.Position)),
	}}
	seen := map[string]bool{}
	for i := range b.items {
		tc := b.items[i].env.TraceContext
		parent := tc["traceparent"]
		switch {
		case parent == "" || seen[parent]:
		case o.Parent == nil:
			o.Parent = tc
		case len(o.Links) < maxLinks:
			o.Links = append(o.Links, tc)
		}
		seen[parent] = true
	}
	return t.Start(ctx, "projection.batch "+b.r.p.Name(), o)
}
