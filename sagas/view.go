package sagas

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// InstancesCollection holds one document per instance: the documents of
// the view sagas.instances.
var InstancesCollection = application.CollectionSpec{
	Name: "sagas.instances",
	Fields: []application.FieldSpec{
		{Name: "definition", Type: application.String},
		{Name: "version", Type: application.Number},
		{Name: "key", Type: application.String},
		{Name: "status", Type: application.String},
		{Name: "step", Type: application.String},
		{Name: "active", Type: application.Bool},
		{Name: "startedAt", Type: application.String},
		{Name: "updatedAt", Type: application.String},
	},
	Indexes: [][]string{{"status", "updatedAt"}, {"active"}, {"definition", "key"}, {"updatedAt"}},
}

// InstanceDoc is a document of sagas.instances.
type InstanceDoc struct {
	ID         string `json:"id"`
	Definition string `json:"definition"`
	Version    int    `json:"version"`
	Key        string `json:"key"`
	Tenant     string `json:"tenant,omitempty"`
	Status     Status `json:"status"`
	Reason     string `json:"reason,omitempty"`
	// Step is the step sent last.
	Step string `json:"step"`
	// Waiting lists the steps awaiting their reply ("undo:" before a
	// compensation).
	Waiting []string `json:"waiting"`
	// Timers lists the pending timers.
	Timers []TimerDoc `json:"timers"`
	// Active is true while the instance runs, compensates, waits for a
	// reply or has a pending timer: what Recover looks at.
	Active    bool            `json:"active"`
	State     json.RawMessage `json:"state,omitempty"`
	StartedAt string          `json:"startedAt"`
	UpdatedAt string          `json:"updatedAt"`
	Position  uint64          `json:"position"`
	// Timeline lists every event of the instance, with its time.
	Timeline []TimelineEntry `json:"timeline"`
}

// TimerDoc is a pending timer.
type TimerDoc struct {
	Timer string `json:"timer"`
	DueAt string `json:"dueAt"`
}

// TimelineEntry is one event of an instance: a command sent (Command is
// set), a reply, a timer, a change of status.
type TimelineEntry struct {
	At      string `json:"at"`
	Event   string `json:"event"`
	Step    string `json:"step,omitempty"`
	Command string `json:"command,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// instancesProjection writes sagas.instances from the instances' streams.
func instancesProjection() *application.Projection {
	p := application.NewProjection("sagas.instances", InstancesCollection)
	track(p, func(d *InstanceDoc, e Started) TimelineEntry {
		d.Definition, d.Version, d.Key, d.Tenant, d.Status = e.Definition, e.Version, e.Key, e.Tenant, StatusRunning
		return TimelineEntry{Detail: e.Definition + " v" + itoa(e.Version)}
	})
	track(p, func(d *InstanceDoc, e Handled) TimelineEntry {
		d.State = e.State
		return TimelineEntry{Detail: e.Kind + " " + e.Name}
	})
	track(p, func(d *InstanceDoc, e CommandSent) TimelineEntry {
		d.Waiting = append(d.Waiting, waitName(e.Step, e.Compensation))
		if !e.Compensation {
			d.Step = e.Step
		}
		return TimelineEntry{Step: e.Step, Command: e.Command, Detail: "attempt " + itoa(e.Attempt) + undoNote(e.Compensation)}
	})
	track(p, func(d *InstanceDoc, e StepSucceeded) TimelineEntry {
		d.Waiting = without(d.Waiting, waitName(e.Step, e.Compensation))
		return TimelineEntry{Step: e.Step, Detail: "succeeded" + undoNote(e.Compensation)}
	})
	track(p, func(d *InstanceDoc, e StepFailed) TimelineEntry {
		d.Waiting = without(d.Waiting, waitName(e.Step, e.Compensation))
		return TimelineEntry{Step: e.Step, Detail: e.Message + undoNote(e.Compensation)}
	})
	track(p, func(d *InstanceDoc, e TimerScheduled) TimelineEntry {
		d.Timers = append(withoutTimer(d.Timers, e.Timer), TimerDoc{Timer: e.Timer, DueAt: stamp(e.DueAt)})
		return TimelineEntry{Detail: e.Timer + " due " + stamp(e.DueAt)}
	})
	track(p, func(d *InstanceDoc, e TimerCancelled) TimelineEntry {
		d.Timers = withoutTimer(d.Timers, e.Timer)
		return TimelineEntry{Detail: e.Timer}
	})
	track(p, func(d *InstanceDoc, e TimerFired) TimelineEntry {
		d.Timers = withoutTimer(d.Timers, e.Timer)
		return TimelineEntry{Detail: e.Timer}
	})
	track(p, func(d *InstanceDoc, e CompensationStarted) TimelineEntry {
		d.Status, d.Reason = StatusCompensating, e.Reason
		return TimelineEntry{Detail: e.Reason}
	})
	track(p, func(d *InstanceDoc, _ Completed) TimelineEntry {
		d.Status = StatusCompleted
		return TimelineEntry{}
	})
	track(p, func(d *InstanceDoc, _ Compensated) TimelineEntry {
		d.Status = StatusCompensated
		return TimelineEntry{}
	})
	track(p, func(d *InstanceDoc, e Failed) TimelineEntry {
		d.Status, d.Reason = StatusFailed, e.Reason
		return TimelineEntry{Step: e.Step, Detail: e.Reason}
	})
	track(p, func(d *InstanceDoc, e Retried) TimelineEntry {
		d.Status, d.Reason = StatusRunning, ""
		return TimelineEntry{Detail: "by " + e.By}
	})
	track(p, func(d *InstanceDoc, e Migrated) TimelineEntry {
		d.Version, d.State = e.To, e.State
		return TimelineEntry{Detail: "v" + itoa(e.From) + " to v" + itoa(e.To)}
	})
	return p
}

// track adds the handler of E: it loads the instance's document, skips an
// event it has applied already, lets fn change it and appends the
// timeline entry fn returns.
func track[E domain.Event](p *application.Projection, fn func(*InstanceDoc, E) TimelineEntry) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		d := InstanceDoc{ID: env.StreamID, StartedAt: stamp(env.RecordedAt)}
		raw, err := tx.Get(ctx, InstancesCollection.Name, env.StreamID)
		switch {
		case err == nil:
			if err := json.Unmarshal(raw, &d); err != nil {
				return err
			}
		case domain.KindOf(err) != domain.KindNotFound:
			return err
		}
		if env.Position <= d.Position {
			return nil
		}
		entry := fn(&d, e)
		entry.At, entry.Event = stamp(env.RecordedAt), env.Type
		d.Timeline = append(d.Timeline, entry)
		d.Position, d.UpdatedAt = env.Position, stamp(env.RecordedAt)
		d.Active = d.Status == StatusRunning || d.Status == StatusCompensating || len(d.Waiting) > 0 || len(d.Timers) > 0
		if d.Waiting == nil {
			d.Waiting = []string{}
		}
		if d.Timers == nil {
			d.Timers = []TimerDoc{}
		}
		sort.Slice(d.Timers, func(i, j int) bool { return d.Timers[i].DueAt < d.Timers[j].DueAt })
		return tx.Upsert(ctx, InstancesCollection.Name, env.StreamID, d)
	})
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func waitName(step string, compensation bool) string {
	if compensation {
		return "undo:" + step
	}
	return step
}

func undoNote(compensation bool) string {
	if compensation {
		return " (compensation)"
	}
	return ""
}

func without(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

func withoutTimer(list []TimerDoc, name string) []TimerDoc {
	out := list[:0]
	for _, t := range list {
		if t.Timer != name {
			out = append(out, t)
		}
	}
	return out
}
