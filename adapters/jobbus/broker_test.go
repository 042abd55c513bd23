package jobbus_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/webos-engine/webos/adapters/bus"
	busnats "github.com/webos-engine/webos/adapters/bus/nats"
	busredis "github.com/webos-engine/webos/adapters/bus/redis"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/jobs"
)

// TestJobsRunOverABroker runs jobs with their tickets on the machine's
// NATS JetStream and Redis (.ci/services starts them), on a topic and
// consumer group of the test's own, as webos serve does with --bus.
func TestJobsRunOverABroker(t *testing.T) {
	t.Parallel()
	brokers := map[string]func(*url.URL) (bus.Backend, error){
		"nats://127.0.0.1:4222":    func(u *url.URL) (bus.Backend, error) { return busnats.Open(u, quiet) },
		"redis://127.0.0.1:6379/0": func(u *url.URL) (bus.Backend, error) { return busredis.Open(u, quiet) },
	}
	for raw, open := range brokers {
		t.Run(raw[:4], func(t *testing.T) {
			t.Parallel()
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			backend, err := open(u)
			if err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			t.Cleanup(func() { _ = backend.Close() })
			token := make([]byte, 6)
			_, _ = rand.Read(token)
			topic := "webos-jobs-test-" + hex.EncodeToString(token)
			if u.Scheme == "redis" {
				t.Cleanup(func() { // the stream of the test's topic
					c := goredis.NewClient(&goredis.Options{Addr: u.Host})
					defer func() { _ = c.Close() }()
					_ = c.Del(context.Background(), topic).Err()
				})
			}
			sub, err := backend.Subscriber(topic)
			if err != nil {
				t.Fatal(err)
			}
			m := &noop{}
			e := testkit.NewEngine(t, &jobs.Module{}, m)
			rt := runningOn(t, e.App, e.Events, 4, topic, backend.Publisher(), sub)
			const n = 100
			for i := range n {
				if _, err := rt.Enqueue(context.Background(), application.Job{Type: "noop.Run", Input: NoopInput{N: i}}); err != nil {
					t.Fatal(err)
				}
			}
			waitDone(t, e.Events, n)
			rt.Wait()
			if m.runs.Load() != n {
				t.Fatalf("%d runs for %d jobs over %s", m.runs.Load(), n, raw)
			}
		})
	}
}
