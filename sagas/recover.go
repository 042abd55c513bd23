package sagas

import (
	"context"
	"encoding/json"

	"github.com/webos-engine/webos/application"
)

// Recover takes up instances after a restart: every step still awaiting
// its reply is sent again (with its command id, so a command that was
// applied before the crash is not applied twice), and every pending timer
// is set (one that fell due while the process was down fires at once).
func (rt *Runtime) Recover(ctx context.Context, streams ...string) error {
	for _, stream := range streams {
		if rt.procs[definitionOf(stream)] == nil {
			continue
		}
		unlock := rt.locks.lock(stream)
		inst := newInstance(stream)
		err := rt.repo.Load(ctx, inst)
		unlock()
		if err != nil {
			return err
		}
		for _, steps := range []map[string]*step{inst.steps, inst.undos} {
			for _, s := range steps {
				if s.state == stepSent {
					rt.dispatch(ctx, inst, s.sent)
				}
			}
		}
		for name, at := range inst.timers {
			rt.timers.add(stream, name, at)
		}
	}
	return nil
}

// RecoverActive recovers every instance that views, the read model of
// sagas.instances caught up with the event store, lists as active, and
// returns how many it recovered.
func (rt *Runtime) RecoverActive(ctx context.Context, views application.ReadModelReader) (int, error) {
	q := application.Query{Filters: []application.Filter{{Field: "active", Op: application.Eq, Value: true}}, Limit: 500}
	n := 0
	for {
		page, err := views.Find(ctx, InstancesCollection.Name, q)
		if err != nil {
			return n, err
		}
		streams := make([]string, 0, len(page.Items))
		for _, raw := range page.Items {
			var d struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(raw, &d); err != nil {
				return n, err
			}
			streams = append(streams, d.ID)
		}
		if err := rt.Recover(ctx, streams...); err != nil {
			return n, err
		}
		n += len(streams)
		if page.Next == "" {
			return n, nil
		}
		q.Cursor = page.Next
	}
}
