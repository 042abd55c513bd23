package projections

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// WaitFor blocks until every named projection has applied the feed up to
// position, or ctx ends (then it returns ctx's error). It waits on the
// runners' progress, not by polling. It is how a reader sees its own
// write: a command answers its position, and a view query that names it
// waits for the projections behind the view.
func (rt *Runtime) WaitFor(ctx context.Context, names []string, position uint64) error {
	for _, name := range names {
		r := rt.runner(name)
		if r == nil {
			return domain.Errorf(domain.KindNotFound, "unknown_projection", "there is no projection %q", name)
		}
		for {
			cp, moved := r.progress()
			if cp >= position {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-moved:
			}
		}
	}
	return nil
}
