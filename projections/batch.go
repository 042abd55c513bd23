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
