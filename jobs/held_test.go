package jobs_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

// relay is a module whose job relay.Pass sends the module's own command
// relay.Note; its first attempt waits at gate before it does, its
// second fails (for a retry).
type relay struct {
	app     *application.App
	started chan struct{}
	gate    chan struct{}
	runs    atomic.Int64
}

type PassInput struct{}

// Note is relay's command, which does nothing.
type Note struct{}

func newRelay() *relay { return &relay{started: make(chan struct{}, 1), gate: make(chan struct{})} }

func (*relay) Manifest() application.Manifest {
	return application.Manifest{Name: "relay", Version: "1.0.0", Permissions: []application.Permission{{Name: "relay.pass", Description: "pass notes"}}}
}

func (m *relay) Register(r *application.Registrar) error {
	application.RegisterCommand(r, "Note", "relay.pass", func(context.Context, Note) (application.Result, error) {
		return application.Result{}, nil
	})
	return jobs.Register(r, "Pass", jobs.Spec[PassInput]{Permission: "relay.pass", MaxAttempts: 2,
		Handler: func(ctx context.Context, _ *jobs.Run, _ PassInput) error {
			switch m.runs.Add(1) {
			case 1:
				m.started <- struct{}{}
				<-m.gate
			case 2:
				return domain.Errorf(domain.KindConflict, "busy", "the relay is busy")
			}
			_, err := application.Send(ctx, m.app, Note{})
			return err
		}})
}

// TestAJobWhoseModuleIsDisabledWhileItRunsIsHeld: relay is disabled
// while an attempt of relay.Pass runs, and the attempt's own
// command is refused with module_disabled. The job is not failed: it
// waits, queued, with both its attempts left (across a restart too), and
// runs again once relay is enabled: a failed attempt and a retry.
func TestAJobWhoseModuleIsDisabledWhileItRunsIsHeld(t *testing.T) {
	t.Parallel()
	m := newRelay()
	s := scenario(t, newReports(), nil, m)
	m.app = s.Engine.App
	id := s.Enqueue(application.Job{Type: "relay.Pass"})
	for _, tk := range s.Queue.Take() {
		if err := s.Runtime.Handle(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	<-m.started
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"relay"})
	close(m.gate)
	s.Runtime.Wait()
	s.Drain().Advance(time.Minute)
	s.ThenStatus(id, jobs.StatusQueued, 0)
	if d := s.Job(id); !d.Active || !strings.Contains(d.Message, "held") || d.LastError != "" {
		t.Fatalf("the held job shows %+v", d)
	}
	s.Restart()
	m.app = s.Engine.App
	s.Engine.App.SetDisabled(application.DefaultTenant, []string{"relay"})
	s.Advance(time.Minute)
	if n := m.runs.Load(); n != 1 {
		t.Fatalf("the job ran %d times while relay is disabled, want once", n)
	}
	s.Engine.App.SetDisabled(application.DefaultTenant, nil)
	s.Advance(time.Minute).Advance(time.Minute)
	s.ThenStatus(id, jobs.StatusSucceeded, 2)
	types := eventsOf(t, s, id)
	if count(types, "jobs.AttemptHeld") != 1 || count(types, "jobs.AttemptFailed") != 1 || count(types, "jobs.Failed") != 0 || m.runs.Load() != 3 {
		t.Fatalf("the job ran %d times, with the events %v", m.runs.Load(), types)
	}
}
