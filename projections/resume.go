package projections

import (
	"context"

	"github.com/webos-engine/webos/application"
)

// resume returns an empty batch starting at the projection's stored
// checkpoint. A checkpoint that does not belong to the event store's
// history (application.Diverged: another store, past the head, or the
// event at it replaced) means the read model shows things the store does
// not hold and would skip the events now at those positions: the
// projection is reset and rebuilt from the start, with a warning saying
// why.
func (r *runner) resume(ctx context.Context) (*batch, error) {
	id, err := r.rt.events.StoreID(ctx)
	if err != nil {
		return nil, err
	}
	cp, err := r.rt.store.Checkpoint(ctx, r.key())
	if err != nil {
		return nil, err
	}
	reason, err := application.Diverged(ctx, r.rt.events, cp)
	if err != nil {
		return nil, err
	}
	if reason != "" {
		r.rt.log.Warn("projection does not match the event store; rebuilding it", "projection", r.p.Name(),
			"reason", reason, "checkpoint", cp.Position)
		if err := r.rt.reset(ctx, r); err != nil {
			return nil, err
		}
		cp = application.Checkpoint{}
	}
	cp.StoreID = id
	return &batch{r: r, last: cp}, nil
}
