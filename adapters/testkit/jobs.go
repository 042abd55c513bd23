package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/jobs"
)

// JobsScenario runs the job types of some modules on in-memory stores
// with a fake clock. Tickets wait in memory until Drain hands them to the
// workers, so a test decides when attempts run; Advance moves the clock
// and fires what fell due (retries, schedules).
type JobsScenario struct {
	t       testing.TB
	Engine  *Engine
	Clock   *Clock
	Runtime *jobs.Runtime
	Queue   *TicketQueue
	modules []application.Module
	opts    jobs.Options
	ids     int
}

// Jobs starts a scenario for modules (the engine's jobs module is
// added), at 2026-01-01T00:00:00Z, with a 1s first backoff, on an
// engine with role-based authorisation (Go code without a principal may
// do anything). adjust, when
// not nil, changes the runtime's options.
func Jobs(t testing.TB, adjust func(*jobs.Options), modules ...application.Module) *JobsScenario {
	t.Helper()
	s := &JobsScenario{t: t, Clock: NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), Queue: &TicketQueue{}}
	s.opts = jobs.Options{Clock: s.Clock.Now, Backoff: time.Second, MaxBackoff: time.Minute, Exclusive: true, Logger: quiet,
		NewID: func() string { s.ids++; return fmt.Sprintf("k%d", s.ids) }}
	if adjust != nil {
		adjust(&s.opts)
	}
	mod := &jobs.Module{}
	s.modules = append([]application.Module{mod}, modules...)
	s.Engine = jobsEngine(t, memory.New(), rmmemory.New(), s.modules)
	s.start(mod)
	t.Cleanup(func() { s.Runtime.Stop() })
	return s
}

// jobsDeployments numbers the engines jobsEngine builds.
var jobsDeployments atomic.Int64

// jobsEngine loads modules on the stores with role-based authorisation,
// so a test can check the permissions of the jobs' commands and view.
func jobsEngine(t testing.TB, events *memory.Store, models *rmmemory.Store, modules []application.Module) *Engine {
	t.Helper()
	var ids atomic.Int64
	gen := jobsDeployments.Add(1)
	e := newEngine(events, models, func(d *application.Deps) {
		d.Authorizer = application.Roles{}
		// Ids unique across the deployments on one store: a restarted
		// engine must not make the ids of stored events again.
		d.NewID = func() string { return fmt.Sprintf("d%d-id-%d", gen, ids.Add(1)) }
	})
	e.Load(t, modules...)
	return e
}

func (s *JobsScenario) start(mod *jobs.Module) {
	s.t.Helper()
	s.Runtime = jobs.NewRuntime(s.Engine.App, s.Engine.Events, s.Queue, s.opts)
	mod.Use(s.Runtime)
	s.Engine.App.UseJobs(s.Runtime)
	if err := s.Runtime.Arm(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// Restart stops the runtime as a crash would (running attempts are
// abandoned, their outcome unrecorded, tickets in flight lost), then
// deploys the modules again on the same stores and recovers the active
// jobs from the view jobs.list, as webos serve does at start.
func (s *JobsScenario) Restart() *JobsScenario {
	s.t.Helper()
	return s.Redeploy(s.modules[1:]...)
}

// Redeploy is Restart with modules in place of the scenario's: a new
// version of the code deployed on the same stores.
func (s *JobsScenario) Redeploy(modules ...application.Module) *JobsScenario {
	s.t.Helper()
	s.Runtime.Stop()
	s.Queue.Take()
	mod := &jobs.Module{}
	mods := append([]application.Module{mod}, modules...)
	s.modules = mods
	s.Engine = jobsEngine(s.t, s.Engine.Events, s.Engine.ReadModels, mods)
	s.start(mod)
	if err := s.Engine.Projections.CatchUp(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.Runtime.RecoverActive(context.Background(), s.Engine.ReadModels); err != nil {
		s.t.Fatal(err)
	}
	return s
}

// Enqueue enqueues job as the system would.
func (s *JobsScenario) Enqueue(job application.Job) string {
	s.t.Helper()
	res, err := s.Runtime.Enqueue(context.Background(), job)
	if err != nil {
		s.t.Fatalf("enqueue %s: %v", job.Type, err)
	}
	return res.Stream
}

// Drain hands every queued ticket to the workers, waits for the attempts
// to end, and repeats until no ticket is left.
func (s *JobsScenario) Drain() *JobsScenario {
	s.t.Helper()
	for {
		tickets := s.Queue.Take()
		if len(tickets) == 0 {
			return s
		}
		for _, tk := range tickets {
			if err := s.Runtime.Handle(context.Background(), tk); err != nil {
				s.t.Fatalf("handle %+v: %v", tk, err)
			}
		}
		s.Runtime.Wait()
	}
}

// Advance moves the clock on by d, fires what fell due, and drains.
func (s *JobsScenario) Advance(d time.Duration) *JobsScenario {
	s.t.Helper()
	if err := s.Runtime.FireDue(context.Background(), s.Clock.Advance(d)); err != nil {
		s.t.Fatal(err)
	}
	return s.Drain()
}

// Job returns the jobs.list document of job id.
func (s *JobsScenario) Job(id string) jobs.ListDoc {
	s.t.Helper()
	if err := s.Engine.Projections.CatchUp(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	raw, err := s.Engine.ReadModels.Get(context.Background(), jobs.ListCollection.Name, id)
	if err != nil {
		s.t.Fatalf("job %s: %v", id, err)
	}
	var d jobs.ListDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		s.t.Fatal(err)
	}
	return d
}

// ThenStatus fails the test unless job id is in status after attempts
// attempts.
func (s *JobsScenario) ThenStatus(id string, status jobs.Status, attempts int) *JobsScenario {
	s.t.Helper()
	if d := s.Job(id); d.Status != status || d.Attempts != attempts {
		s.t.Fatalf("job %s is %s after %d attempts (last error %q), want %s after %d", id, d.Status, d.Attempts, d.LastError, status, attempts)
	}
	return s
}

// TicketQueue keeps published tickets in memory (jobs.Queue).
type TicketQueue struct {
	mu      sync.Mutex
	tickets []jobs.Ticket
}

// Publish queues t.
func (q *TicketQueue) Publish(_ context.Context, t jobs.Ticket) error {
	q.mu.Lock()
	q.tickets = append(q.tickets, t)
	q.mu.Unlock()
	return nil
}

// Take empties the queue and returns what it held.
func (q *TicketQueue) Take() []jobs.Ticket {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.tickets
	q.tickets = nil
	return out
}
