package jobbus_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/adapters/jobbus"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// noop is a module with the job type noop.Run, which counts its runs.
type noop struct{ runs atomic.Int64 }

type NoopInput struct {
	N int `json:"n"`
}

func (*noop) Manifest() application.Manifest {
	return application.Manifest{Name: "noop", Version: "1.0.0", Permissions: []application.Permission{{Name: "noop.run", Description: "run"}}}
}

func (m *noop) Register(r *application.Registrar) error {
	return jobs.Register(r, "Run", jobs.Spec[NoopInput]{Permission: "noop.run", Handler: func(context.Context, *jobs.Run, NoopInput) error {
		m.runs.Add(1)
		return nil
	}})
}

// running starts the job runtime of e on a GoChannel bus until the test
// ends.
func running(t testing.TB, app *application.App, events application.EventStore, workers int) *jobs.Runtime {
	t.Helper()
	ch := jobbus.NewGoChannel(quiet)
	t.Cleanup(func() { _ = ch.Close() })
	return runningOn(t, app, events, workers, jobbus.Topic, ch, ch)
}

// runningOn is running on a topic of the given publisher and subscriber.
func runningOn(t testing.TB, app *application.App, events application.EventStore, workers int,
	topic string, pub message.Publisher, sub message.Subscriber) *jobs.Runtime {
	t.Helper()
	b, err := jobbus.New(topic, pub, sub, quiet)
	if err != nil {
		t.Fatal(err)
	}
	rt := jobs.NewRuntime(app, events, b, jobs.Options{Workers: workers, Logger: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx, rt.Handle) }()
	<-b.Running()
	t.Cleanup(func() {
		cancel()
		<-done
		rt.Stop()
	})
	return rt
}

// waitDone waits until n jobs of the noop module succeeded.
func waitDone(t testing.TB, events application.EventStore, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	seen, after := 0, uint64(0)
	for seen < n {
		page, err := events.ReadAll(context.Background(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page {
			after = e.Position
			if e.Type == "jobs.Succeeded" {
				seen++
			}
		}
		if len(page) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d jobs done after 2 minutes", seen, n)
			}
			time.Sleep(time.Millisecond)
		}
	}
}

func TestJobsRunOverTheBus(t *testing.T) {
	t.Parallel()
	m := &noop{}
	e := testkit.NewEngine(t, &jobs.Module{}, m)
	rt := running(t, e.App, e.Events, 3)
	const n = 200
	for i := range n {
		if _, err := rt.Enqueue(context.Background(), application.Job{Type: "noop.Run", Input: NoopInput{N: i}}); err != nil {
			t.Fatal(err)
		}
	}
	waitDone(t, e.Events, n)
	rt.Wait()
	if m.runs.Load() != n {
		t.Fatalf("%d runs for %d jobs", m.runs.Load(), n)
	}
	if _, err := rt.Enqueue(context.Background(), application.Job{Type: "noop.Run", Input: map[string]any{"n": "x"}}); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("a bad input: %v", err)
	}
}
