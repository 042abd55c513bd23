package jobs

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// interrupted is the failure of an attempt whose process stopped.
const interrupted = "the attempt was interrupted: the process running it stopped"

// Check looks at each job in ids as recovery does: a queued job's ticket
// is published again, a due retry's too, a pending retry's timer set,
// and an attempt that no process runs any more is failed as interrupted
// and retried (see Options.Exclusive).
func (rt *Runtime) Check(ctx context.Context, ids ...string) error {
	now := rt.opts.Clock()
	for _, id := range ids {
		if err := rt.check(ctx, id, now); err != nil {
			return err
		}
	}
	return nil
}

func (rt *Runtime) check(ctx context.Context, id string, now time.Time) error {
	j := newJob(id)
	if err := rt.repo.Load(ctx, j); err != nil {
		return err
	}
	if !j.status.Active() {
		// It ended, perhaps cancelled in another process while held here
		// (whose timer brought it here).
		rt.unhold(id)
	}
	if j.status == StatusRunning {
		rt.mu.Lock()
		_, mine := rt.running[id]
		rt.mu.Unlock()
		switch {
		case mine:
			return nil
		case !rt.opts.Exclusive && now.Before(j.deadline):
			rt.timers.set(id, j.deadline)
			return nil
		}
		n := j.attempt
		var err error
		_, j, err = rt.update(ctx, id, "interrupt/"+strconv.Itoa(n), "", "", j, func(j *job) error {
			if j.runs(n) {
				j.fail(n, interrupted, false, now)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if n, ok := j.next(now); ok {
		rt.publish(ctx, Ticket{Job: id, Attempt: n})
	} else if j.status == StatusRetrying {
		rt.timers.set(id, j.retryAt)
	}
	return nil
}

// RecoverActive checks every job that views, the read model of jobs.list
// caught up with the event store, lists as active, and returns how many.
func (rt *Runtime) RecoverActive(ctx context.Context, views application.ReadModelReader) (int, error) {
	q := application.Query{Filters: []application.Filter{{Field: "active", Op: application.Eq, Value: true}}, Limit: 500}
	n := 0
	for {
		page, err := views.Find(ctx, ListCollection.Name, q)
		if err != nil {
			return n, err
		}
		for _, raw := range page.Items {
			var d struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(raw, &d); err != nil {
				return n, err
			}
			if err := rt.check(ctx, d.ID, rt.opts.Clock()); err != nil && domain.KindOf(err) != domain.KindNotFound {
				return n, err
			}
			n++
		}
		if page.Next == "" {
			return n, nil
		}
		q.Cursor = page.Next
	}
}
