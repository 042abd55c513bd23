package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

// The reports module of these tests registers three job types:
// reports.Count walks Items items with progress and fails its first
// FailTimes attempts; reports.Block runs until it is stopped or released;
// reports.Nightly is scheduled at 02:00 Berlin time.

type CountInput struct {
	Items     int    `json:"items" jsonschema:"minimum=1,maximum=1000"`
	FailTimes int    `json:"failTimes,omitempty" jsonschema:"minimum=0"`
	Permanent bool   `json:"permanent,omitempty"`
	Label     string `json:"label,omitempty" jsonschema:"maxLength=20"`
	// Request makes the attempt send RequestReport (Items 1) first.
	Request bool `json:"request,omitempty"`
}

type BlockInput struct{}

type NightlyInput struct {
	Scope string `json:"scope"`
}

// RequestReport is a command whose handler enqueues a reports.Count job.
type RequestReport struct {
	Items int `json:"items"`
}

type reports struct {
	runs    atomic.Int64 // attempts of reports.Count
	started chan int     // attempts of reports.Block, as they start
	release chan struct{}
	stopped atomic.Int64 // attempts of reports.Block whose context ended
	timeout time.Duration
	// nightlyCron is the nightly schedule's expression (default 0 2 * * *).
	nightlyCron string
	blockMu     sync.Mutex
	blockRet    error
	// app is the App the module was loaded in, for Send.
	app *application.App
}

func newReports() *reports {
	return &reports{started: make(chan int, 16), release: make(chan struct{})}
}

func (*reports) Manifest() application.Manifest {
	return application.Manifest{Name: "reports", Version: "1.0.0", Permissions: []application.Permission{
		{Name: "reports.run", Description: "run reports"},
	}}
}

func (m *reports) Register(r *application.Registrar) error {
	application.RegisterCommand(r, "RequestReport", "reports.run", func(ctx context.Context, c RequestReport) (application.Result, error) {
		return application.RunBackground(ctx, application.Job{Type: "reports.Count", Input: CountInput{Items: c.Items}})
	})
	timeout, cron := m.timeout, m.nightlyCron
	if cron == "" {
		cron = "0 2 * * *"
	}
	return errors.Join(
		jobs.Register(r, "Count", jobs.Spec[CountInput]{Permission: "reports.run", MaxAttempts: 3, Handler: m.count}),
		jobs.Register(r, "Block", jobs.Spec[BlockInput]{Permission: "reports.run", MaxAttempts: 2, Timeout: timeout, Handler: m.block}),
		jobs.Register(r, "Nightly", jobs.Spec[NightlyInput]{Permission: "reports.run", Handler: m.nightly,
			Schedules: []jobs.Schedule[NightlyInput]{{Name: "nightly", Cron: cron, TimeZone: "Europe/Berlin", Input: NightlyInput{Scope: "all"}}}}),
	)
}

func (m *reports) count(ctx context.Context, run *jobs.Run, in CountInput) error {
	m.runs.Add(1)
	if in.Request {
		if _, err := application.Send(ctx, m.app, RequestReport{Items: 1}); err != nil {
			return err
		}
	}
	for i := range in.Items {
		if err := run.Progress(ctx, (i+1)*100/in.Items, "item"); err != nil {
			return err
		}
	}
	if run.Attempt() <= in.FailTimes {
		if in.Permanent {
			return jobs.Permanent(domain.Errorf(domain.KindRejected, "broken", "attempt %d broke for good", run.Attempt()))
		}
		return domain.Errorf(domain.KindConflict, "busy", "attempt %d found the store busy", run.Attempt())
	}
	return nil
}

func (m *reports) block(ctx context.Context, run *jobs.Run, _ BlockInput) error {
	m.started <- run.Attempt()
	select {
	case <-ctx.Done():
		m.stopped.Add(1)
		return ctx.Err()
	case <-m.release:
		m.blockMu.Lock()
		defer m.blockMu.Unlock()
		return m.blockRet
	}
}

func (*reports) nightly(ctx context.Context, run *jobs.Run, _ NightlyInput) error {
	return run.Progress(ctx, 100, "done")
}

// scenario starts the reports module's jobs, and more modules', on a
// fresh engine.
func scenario(t *testing.T, m *reports, adjust func(*jobs.Options), more ...application.Module) *testkit.JobsScenario {
	t.Helper()
	return testkit.Jobs(t, adjust, append([]application.Module{m}, more...)...)
}

// eventsOf lists the event types of stream.
func eventsOf(t *testing.T, s *testkit.JobsScenario, stream string) []string {
	t.Helper()
	envs, err := s.Engine.Events.ReadStream(context.Background(), stream, 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.Type
	}
	return out
}

func count(types []string, typ string) int {
	n := 0
	for _, t := range types {
		if t == typ {
			n++
		}
	}
	return n
}
