package jobbus_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/adapters/jobbus"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/jobs"
)

// benchJobs is how many jobs (and messages) a round dispatches.
const benchJobs = 10_000

// BenchmarkJobDispatch runs rounds of 10,000 no-op jobs on the embedded
// default (SQLite event store, tickets on GoChannel, 4 workers), enqueued
// from 8 goroutines, timed from the first enqueue to the last
// jobs.Succeeded stored. In the same run, the baselines: 10,000 messages
// published and consumed (acked) through raw Watermill on the same
// GoChannel configuration, and the same number of appends the jobs make
// (Enqueued, AttemptStarted, Succeeded: three single-event appends each)
// made directly on a SQLite store. Run it with -benchtime 1x.
func BenchmarkJobDispatch(b *testing.B) {
	for range b.N {
		raw := rawWatermill(b)
		appends := rawAppends(b)
		jobsPerSecond := dispatch(b)
		b.ReportMetric(jobsPerSecond, "jobs/s")
		b.ReportMetric(raw, "raw-watermill-msgs/s")
		b.ReportMetric(appends, "raw-append-triples/s")
		b.Logf("jobs %.0f/s; raw Watermill %.0f msgs/s (ratio %.4f); three raw appends %.0f/s (ratio %.2f)",
			jobsPerSecond, raw, jobsPerSecond/raw, appends, jobsPerSecond/appends)
	}
}

// dispatch runs one round of no-op jobs and returns jobs/s.
func dispatch(b *testing.B) float64 {
	store, err := sqlite.Open(filepath.Join(b.TempDir(), "events.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	app := application.New(application.Deps{Events: store, ReadModels: rmmemory.New(), Validator: jsonschema.NewValidator(),
		Logger: quiet, NewID: counter("e")})
	m := &noop{}
	app.Load(&jobs.Module{}, m)
	rt := running(b, app, store, 4)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < benchJobs; i += 8 {
				if _, err := rt.Enqueue(context.Background(), application.Job{Type: "noop.Run", Input: NoopInput{N: i}}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	waitDone(b, store, benchJobs)
	took := time.Since(start)
	rt.Wait()
	if m.runs.Load() != benchJobs {
		b.Fatalf("%d runs for %d jobs", m.runs.Load(), benchJobs)
	}
	return benchJobs / took.Seconds()
}

// rawWatermill publishes and consumes benchJobs messages on a GoChannel
// configured as the jobs' and returns messages/s.
func rawWatermill(b *testing.B) float64 {
	ch := jobbus.NewGoChannel(quiet)
	defer func() { _ = ch.Close() }()
	msgs, err := ch.Subscribe(context.Background(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		for range benchJobs {
			(<-msgs).Ack()
		}
		close(done)
	}()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < benchJobs; i += 8 {
				if err := ch.Publish("bench", message.NewMessage(fmt.Sprintf("m-%d", i), []byte(`{"job":"x","attempt":1}`))); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	<-done
	return benchJobs / time.Since(start).Seconds()
}

// rawAppends makes the appends of benchJobs jobs (three single-event
// appends to a stream each) directly on a SQLite store from 8 goroutines
// and returns triples/s.
func rawAppends(b *testing.B) float64 {
	store, err := sqlite.Open(filepath.Join(b.TempDir(), "events.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	id := counter("r")
	start := time.Now()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < benchJobs; i += 8 {
				stream := fmt.Sprintf("jobs.bench.%d", i)
				for v := range 3 {
					env := domain.Envelope{ID: id(), Type: "jobs.Progressed", SchemaVersion: 1, StreamID: stream,
						RecordedAt: time.Now(), Data: []byte(`{"attempt":1,"percent":0}`)}
					if _, err := store.Append(context.Background(), stream, domain.ExpectedVersion(v), []domain.Envelope{env}); err != nil {
						b.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	return benchJobs / time.Since(start).Seconds()
}

// counter makes unique ids with prefix.
func counter(prefix string) func() string {
	var mu sync.Mutex
	n := 0
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s-%d", prefix, n)
	}
}
