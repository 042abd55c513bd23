package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/jobs"
)

const nightly = "jobs.schedule.reports.Nightly.nightly"

// nightlyJobs lists the jobs the nightly schedule enqueued, by id.
func nightlyJobs(t *testing.T, s interface {
	Query(testing.TB, string, application.Query) application.Page
}) int {
	t.Helper()
	page := s.Query(t, "jobs.list", application.Query{Filters: []application.Filter{
		{Field: "type", Op: application.Eq, Value: "reports.Nightly"}, {Field: "kind", Op: application.Eq, Value: jobs.KindJob}}, Limit: 100})
	return len(page.Items)
}

func TestACronScheduleFiresInItsTimeZoneSurvivesRestartsAndCatchesUpOnce(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil) // 2026-01-01T00:00Z: 01:00 in Berlin
	if d := s.Job(nightly); d.Kind != jobs.KindSchedule || d.NextRun != "2026-01-01T01:00:00.000000Z" || d.TimeZone != "Europe/Berlin" {
		t.Fatalf("the armed schedule shows %+v", d)
	}
	s.Advance(59 * time.Minute)
	if n := nightlyJobs(t, s.Engine); n != 0 {
		t.Fatalf("%d jobs before the first tick", n)
	}
	s.Advance(time.Minute) // 02:00 Berlin
	tick1 := "jobs.reports.Nightly.nightly@20260101T010000Z"
	s.ThenStatus(tick1, jobs.StatusSucceeded, 1)
	if d := s.Job(nightly); d.LastRun != "2026-01-01T01:00:00.000000Z" || d.LastJob != tick1 || d.NextRun != "2026-01-02T01:00:00.000000Z" {
		t.Fatalf("after its first tick the schedule shows %+v", d)
	}

	// Down for three nights: at the restart the latest missed tick fires,
	// once.
	s.Runtime.Stop()
	s.Clock.Advance(3*24*time.Hour + 2*time.Hour) // 2026-01-04T03:00Z
	s.Restart()
	s.Advance(0)
	if n := nightlyJobs(t, s.Engine); n != 2 {
		t.Fatalf("%d nightly jobs after three missed nights, want 2 (one caught up)", n)
	}
	s.ThenStatus("jobs.reports.Nightly.nightly@20260104T010000Z", jobs.StatusSucceeded, 1)
	if d := s.Job(nightly); d.NextRun != "2026-01-05T01:00:00.000000Z" {
		t.Fatalf("after catching up the schedule shows next run %s", d.NextRun)
	}
	// Restarting again and firing again catch nothing more up.
	s.Restart()
	s.Advance(0)
	if err := s.Runtime.FireDue(context.Background(), s.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	if n := nightlyJobs(t, s.Engine); n != 2 {
		t.Fatalf("%d nightly jobs after a second restart", n)
	}
	// Summer time: 02:00 Berlin is 00:00 UTC.
	s.Clock.Advance(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).Sub(s.Clock.Now()))
	s.Restart()
	s.Advance(0)
	s.ThenStatus("jobs.reports.Nightly.nightly@20260701T000000Z", jobs.StatusSucceeded, 1)
	if d := s.Job(nightly); d.NextRun != "2026-07-02T00:00:00.000000Z" {
		t.Fatalf("in summer the schedule shows next run %s", d.NextRun)
	}
}

func TestABadScheduleFailsTheModule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ cron, tz string }{{"61 * * * *", "UTC"}, {"0 2 * * *", "Mars/Olympus"}, {"CRON_TZ=UTC 0 2 * * *", ""}} {
		app := application.New(application.Deps{NewID: func() string { return "x" }, Logger: slog.New(slog.DiscardHandler)})
		app.Load(&badSchedule{cron: c.cron, tz: c.tz})
		if st := app.Modules()[0]; st.Status != application.StatusFailed {
			t.Errorf("schedule %q in %q: module %s", c.cron, c.tz, st.Status)
		}
	}
}

type badSchedule struct{ cron, tz string }

func (*badSchedule) Manifest() application.Manifest {
	return application.Manifest{Name: "bad", Version: "1.0.0", Permissions: []application.Permission{{Name: "bad.run", Description: "run"}}}
}

func (b *badSchedule) Register(r *application.Registrar) error {
	return jobs.Register(r, "Nightly", jobs.Spec[NightlyInput]{Permission: "bad.run",
		Handler:   func(context.Context, *jobs.Run, NightlyInput) error { return nil },
		Schedules: []jobs.Schedule[NightlyInput]{{Name: "n", Cron: b.cron, TimeZone: b.tz}}})
}

func TestAChangedScheduleIsArmedAgainKeepingItsTicks(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	s.Advance(time.Hour) // 02:00 Berlin fires
	s.Runtime.Stop()
	s.Clock.Advance(24 * time.Hour) // down over the next 02:00
	// The next version of the module runs the report at 04:00 Berlin.
	later := newReports()
	later.nightlyCron = "0 4 * * *"
	s.Redeploy(later)
	// Its next tick after the one it fired is 04:00 Berlin on the 1st,
	// missed while down: it fires once, at start.
	if d := s.Job(nightly); d.Cron != "0 4 * * *" || d.NextRun != "2026-01-01T03:00:00.000000Z" {
		t.Fatalf("the changed schedule shows %s, next run %s", d.Cron, d.NextRun)
	}
	s.Advance(0)
	if n := nightlyJobs(t, s.Engine); n != 2 {
		t.Fatalf("%d nightly jobs after the change", n)
	}
	s.ThenStatus("jobs.reports.Nightly.nightly@20260101T030000Z", jobs.StatusSucceeded, 1)
	if d := s.Job(nightly); d.NextRun != "2026-01-02T03:00:00.000000Z" {
		t.Fatalf("after catching up the changed schedule's next run is %s", d.NextRun)
	}
	// Deployed again unchanged, it is not armed again.
	before := len(eventsOf(t, s, nightly))
	s.Restart()
	if after := len(eventsOf(t, s, nightly)); after != before {
		t.Fatalf("an unchanged schedule was armed again: %d events, then %d", before, after)
	}
}
