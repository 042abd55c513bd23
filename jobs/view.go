package jobs

import (
	"context"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// ListCollection holds one document per job and per schedule: the
// documents of the view jobs.list.
var ListCollection = application.CollectionSpec{
	Name: "jobs.list",
	Fields: []application.FieldSpec{
		{Name: "kind", Type: application.String},
		{Name: "type", Type: application.String},
		{Name: "status", Type: application.String},
		{Name: "active", Type: application.Bool},
		{Name: "attempts", Type: application.Number},
		{Name: "percent", Type: application.Number},
		{Name: "nextRun", Type: application.String},
		{Name: "enqueuedAt", Type: application.String},
		{Name: "updatedAt", Type: application.String},
	},
	Indexes: [][]string{{"updatedAt"}, {"active"}, {"status", "updatedAt"}, {"type", "updatedAt"}, {"kind", "nextRun"}},
}

// Kinds of a jobs.list document.
const (
	KindJob      = "job"
	KindSchedule = "schedule"
)

// ListDoc is a document of jobs.list: a job, or a schedule (Kind).
type ListDoc struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Type   string `json:"type"`
	Key    string `json:"key,omitempty"`
	Tenant string `json:"tenant,omitempty"`
	// Status is a job's Status, or "scheduled" for a schedule.
	Status Status `json:"status"`
	// Active is true while a job is queued, running or waiting for a
	// retry: what recovery looks at.
	Active bool `json:"active"`
	// Attempts counts the attempts started, held ones (AttemptHeld) not.
	Attempts    int    `json:"attempts"`
	MaxAttempts int    `json:"maxAttempts,omitempty"`
	Percent     int    `json:"percent"`
	Message     string `json:"message,omitempty"`
	LastError   string `json:"lastError,omitempty"`
	// NextRun is when a job's retry is due, or a schedule's next tick;
	// empty when nothing is due.
	NextRun string `json:"nextRun"`
	// Schedule is the schedule that enqueued a job, or a schedule's name;
	// Cron and TimeZone describe a schedule, LastRun is its latest tick
	// and LastJob the job that tick enqueued.
	Schedule   string `json:"schedule,omitempty"`
	Cron       string `json:"cron,omitempty"`
	TimeZone   string `json:"timeZone,omitempty"`
	LastRun    string `json:"lastRun,omitempty"`
	LastJob    string `json:"lastJob,omitempty"`
	EnqueuedAt string `json:"enqueuedAt"`
	UpdatedAt  string `json:"updatedAt"`
	FinishedAt string `json:"finishedAt,omitempty"`
	Position   uint64 `json:"position"`
}

// StatusScheduled is the status of a schedule's document.
const StatusScheduled Status = "scheduled"

// listProjection writes jobs.list from the jobs' and schedules' streams.
func listProjection() *application.Projection {
	p := application.NewProjection("jobs.list", ListCollection)
	track(p, func(d *ListDoc, e Enqueued, at string) {
		d.Kind, d.Type, d.Key, d.Tenant, d.Status = KindJob, e.Type, e.Key, e.Tenant, StatusQueued
		d.MaxAttempts, d.Schedule, d.EnqueuedAt = e.MaxAttempts, e.Schedule, at
	})
	track(p, func(d *ListDoc, _ AttemptStarted, _ string) {
		d.Status, d.Attempts, d.Percent, d.Message, d.NextRun = StatusRunning, d.Attempts+1, 0, "", ""
	})
	// A held attempt does not count (AttemptHeld).
	track(p, func(d *ListDoc, e AttemptHeld, _ string) {
		d.Status, d.Attempts, d.Message = StatusQueued, d.Attempts-1, "held: module "+e.Module+" is disabled"
	})
	track(p, func(d *ListDoc, e Progressed, _ string) { d.Percent, d.Message = e.Percent, e.Message })
	track(p, func(d *ListDoc, e AttemptFailed, _ string) {
		d.Status, d.LastError, d.NextRun = StatusRetrying, e.Error, stamp(e.RetryAt)
	})
	track(p, func(d *ListDoc, e Succeeded, at string) {
		d.Status, d.Percent, d.Message, d.FinishedAt = StatusSucceeded, 100, e.Message, at
	})
	track(p, func(d *ListDoc, e Failed, at string) {
		d.Status, d.LastError, d.FinishedAt = StatusFailed, e.Reason, at
	})
	track(p, func(d *ListDoc, e Cancelled, at string) {
		d.Status, d.FinishedAt, d.NextRun = StatusCancelled, at, ""
		if e.Reason != "" {
			d.Message = "cancelled: " + e.Reason
		}
	})
	track(p, func(d *ListDoc, e ScheduleArmed, at string) {
		d.Kind, d.Type, d.Schedule, d.Cron, d.TimeZone, d.Status = KindSchedule, e.Type, e.Schedule, e.Cron, e.TimeZone, StatusScheduled
		d.EnqueuedAt, d.NextRun = at, stamp(e.Next)
	})
	track(p, func(d *ListDoc, e ScheduleFired, _ string) {
		d.LastRun, d.LastJob, d.NextRun, d.Message = stamp(e.Tick), e.Job, stamp(e.Next), ""
		if e.Skipped != "" {
			d.Message = "tick skipped: " + e.Skipped
		}
		d.Attempts++
	})
	return p
}

// track adds the handler of E: it loads the stream's document, skips an
// event applied already, and lets fn change it.
func track[E domain.Event](p *application.Projection, fn func(*ListDoc, E, string)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		d, err := application.LoadDoc[ListDoc](ctx, tx, ListCollection.Name, env.StreamID)
		if err != nil {
			return err
		}
		d.ID = env.StreamID
		if env.Position <= d.Position {
			return nil
		}
		at := stamp(env.RecordedAt)
		fn(&d, e, at)
		d.Position, d.UpdatedAt = env.Position, at
		d.Active = d.Kind == KindJob && d.Status.Active()
		return tx.Upsert(ctx, ListCollection.Name, env.StreamID, d)
	})
}

// stamp formats t for a document: UTC, fixed width, so strings sort as
// times; the zero time is empty.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}
