package jobs_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

// asker is a module whose job asker.Ask sends reports.RequestReport.
type asker struct{ app *application.App }

type AskInput struct{}

func (*asker) Manifest() application.Manifest {
	return application.Manifest{Name: "asker", Version: "1.0.0", Permissions: []application.Permission{{Name: "asker.ask", Description: "ask for reports"}}}
}

func (a *asker) Register(r *application.Registrar) error {
	return jobs.Register(r, "Ask", jobs.Spec[AskInput]{Permission: "asker.ask", MaxAttempts: 3,
		Handler: func(ctx context.Context, _ *jobs.Run, _ AskInput) error {
			_, err := application.Send(ctx, a.app, RequestReport{Items: 1})
			return err
		}})
}

// TestAJobSendingToADisabledModuleFailsAtOnce: a command the attempt
// sends to a module disabled in the job's tenant fails the job for good
// at its first attempt, with the reason shown, instead of being retried.
func TestAJobSendingToADisabledModuleFailsAtOnce(t *testing.T) {
	t.Parallel()
	a := &asker{}
	s := scenario(t, newReports(), nil, a)
	a.app = s.Engine.App
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"reports"})
	id := s.Enqueue(application.Job{Type: "asker.Ask"})
	s.Drain().Advance(time.Second).Advance(time.Hour)
	s.ThenStatus(id, jobs.StatusFailed, 1)
	if d := s.Job(id); !strings.Contains(d.LastError, "module reports is disabled in tenant default") || d.Active {
		t.Fatalf("the job shows %+v", d)
	}
}

// TestEnqueueingAJobOfAModuleDisabledInTheTenantIsRefused: in acme, which
// disabled reports, Go code gets module_disabled and a principal the
// answer of a job type that does not exist; globex enqueues as before.
func TestEnqueueingAJobOfAModuleDisabledInTheTenantIsRefused(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	s.Engine.App.SetDisabled("acme", []string{"reports"})
	in := func(tenant string) context.Context {
		return application.WithMeta(context.Background(), application.Meta{Tenant: tenant, Actor: "u1"})
	}
	job := application.Job{Type: "reports.Count", Input: CountInput{Items: 1}}
	if _, err := s.Runtime.Enqueue(in("acme"), job); !application.IsModuleDisabled(err) {
		t.Fatalf("Go code's enqueue in acme: %v", err)
	}
	if _, err := application.RunBackground(application.WithJobQueue(in("acme"), s.Runtime), job); !application.IsModuleDisabled(err) {
		t.Fatalf("RunBackground in acme: %v", err)
	}
	if _, err := s.Runtime.Enqueue(in("globex"), job); err != nil {
		t.Fatalf("enqueue in globex: %v", err)
	}
	user := application.WithPrincipal(in("acme"), application.Principal{ID: "u1", Kind: application.User, UserID: "u1", Tenant: "acme",
		Grants: []string{"jobs.enqueue", "reports.run"}})
	answer := func(typ string) error {
		_, err := s.Engine.App.Dispatch(user, "jobs.Enqueue", []byte(`{"type":"`+typ+`","input":{"items":1}}`))
		return err
	}
	off, unknown := answer("reports.Count"), answer("reports.Nope")
	var de, du *domain.Error
	if !errors.As(off, &de) || !errors.As(unknown, &du) || !reflect.DeepEqual(de, du) || de.Kind != domain.KindInvalid {
		t.Fatalf("a principal of acme is answered %v for reports.Count, %v for a type that does not exist", off, unknown)
	}
	all, err := s.Engine.Events.ReadAll(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var enqueued []string
	for _, e := range all {
		if e.Type == "jobs.Enqueued" {
			enqueued = append(enqueued, e.Tenant)
		}
	}
	if !reflect.DeepEqual(enqueued, []string{"globex"}) {
		t.Fatalf("jobs stored in tenants %v, want globex's alone", enqueued)
	}
}

// TestAQueuedJobWaitsWhileItsModuleIsDisabled: a job enqueued before its
// module was disabled does not start while it is (across a restart too),
// stays queued, and runs once it is enabled again.
func TestAQueuedJobWaitsWhileItsModuleIsDisabled(t *testing.T) {
	t.Parallel()
	m := newReports()
	s := scenario(t, m, nil)
	id := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}})
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"reports"})
	s.Drain().Advance(time.Minute)
	s.Restart()
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"reports"})
	s.Advance(time.Minute)
	s.ThenStatus(id, jobs.StatusQueued, 0)
	if m.runs.Load() != 0 || !s.Job(id).Active {
		t.Fatalf("the job ran %d times while reports is disabled: %+v", m.runs.Load(), s.Job(id))
	}
	s.Engine.App.SetDisabled(application.DefaultTenant, nil)
	s.Advance(time.Minute)
	s.ThenStatus(id, jobs.StatusSucceeded, 1)
	if m.runs.Load() != 1 {
		t.Fatalf("the job ran %d times, want once", m.runs.Load())
	}
}

// TestScheduledTicksAreSkippedWhileTheModuleIsDisabled: the nightly tick
// that falls while reports is disabled enqueues nothing, is recorded
// skipped (not run late once enabled), and the next one runs.
func TestScheduledTicksAreSkippedWhileTheModuleIsDisabled(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil) // 01:00 Berlin
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"reports"})
	s.Advance(time.Hour) // 02:00 Berlin
	if n := nightlyJobs(t, s.Engine); n != 0 {
		t.Fatalf("%d nightly jobs while reports is disabled", n)
	}
	if d := s.Job(nightly); d.LastRun != "2026-01-01T01:00:00.000000Z" || d.LastJob != "" || !strings.Contains(d.Message, application.CodeModuleDisabled) {
		t.Fatalf("the schedule shows %+v", d)
	}
	s.Engine.App.SetDisabled(application.DefaultTenant, nil)
	s.Advance(time.Hour)
	if n := nightlyJobs(t, s.Engine); n != 0 {
		t.Fatalf("the skipped tick ran late: %d nightly jobs", n)
	}
	s.Advance(24 * time.Hour)
	s.ThenStatus("jobs.reports.Nightly.nightly@20260102T010000Z", jobs.StatusSucceeded, 1)
}

// TestAJobCancelledWhileHeldIsForgotten: the runtime forgets a held job
// once it is cancelled, here or (noticed at its next look) in another
// process.
func TestAJobCancelledWhileHeldIsForgotten(t *testing.T) {
	t.Parallel()
	s := scenario(t, newReports(), nil)
	here := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}})
	there := s.Enqueue(application.Job{Type: "reports.Count", Input: CountInput{Items: 1}})
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"reports"})
	s.Drain()
	if n := jobs.Held(s.Runtime); n != 2 {
		t.Fatalf("%d jobs held, want 2", n)
	}
	if _, err := s.Runtime.Cancel(context.Background(), here, ""); err != nil {
		t.Fatal(err)
	}
	other := jobs.NewRuntime(s.Engine.App, s.Engine.Events, s.Queue, jobs.Options{Clock: s.Clock.Now})
	if _, err := other.Cancel(context.Background(), there, ""); err != nil {
		t.Fatal(err)
	}
	s.Advance(time.Minute)
	if n := jobs.Held(s.Runtime); n != 0 {
		t.Fatalf("%d cancelled jobs are still held", n)
	}
	s.ThenStatus(here, jobs.StatusCancelled, 0).ThenStatus(there, jobs.StatusCancelled, 0)
}
