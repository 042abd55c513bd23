package bustest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	esmemory "github.com/webos-engine/webos/adapters/eventstore/memory"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/domain"
)

// benchEvents is how many events each round publishes each way.
const benchEvents = 1000

// Throughput measures the Forwarder against raw Watermill publishing of
// the same kind of messages (built beforehand, so the raw side pays no
// encoding) to the same backend, one Publish call per message, in
// alternating rounds, and reports both rates and their ratio. Each round
// uses fresh event ids, so a backend that drops duplicate publishes
// (JetStream) treats both sides alike.
func Throughput(b *testing.B, open Factory) {
	token := Token()
	backend := open(b, token)
	types := []string{token + ".Happened", token + ".Followed"}
	drain(b, backend, token, types)
	var raw, fwd time.Duration
	b.ResetTimer()
	for range b.N {
		raw += rawRound(b, backend, types)
		fwd += forwarderRound(b, backend, types)
	}
	n := float64(b.N * benchEvents)
	b.ReportMetric(n/raw.Seconds(), "raw-events/s")
	b.ReportMetric(n/fwd.Seconds(), "forwarder-events/s")
	b.ReportMetric(raw.Seconds()/fwd.Seconds(), "ratio")
}

func benchAppend(b *testing.B, events *esmemory.Store, types []string) []domain.Envelope {
	evs := make([]domain.Envelope, benchEvents)
	for i := range evs {
		evs[i] = domain.Envelope{ID: newID(), Type: types[i%len(types)], SchemaVersion: 1, RecordedAt: time.Now().UTC(),
			CorrelationID: newID(), Data: json.RawMessage(fmt.Sprintf(`{"i":%d,"note":"a typical small event"}`, i))}
	}
	stored := make([]domain.Envelope, 0, len(evs))
	for i := 0; i < len(evs); i += 2 { // two events per stream, as a command appends them
		got, err := events.Append(context.Background(), "s-"+newID(), domain.NoStream, evs[i:i+2])
		if err != nil {
			b.Fatal(err)
		}
		stored = append(stored, got...)
	}
	return stored
}

func rawRound(b *testing.B, backend bus.Backend, types []string) time.Duration {
	b.StopTimer()
	evs := benchAppend(b, esmemory.New(), types)
	msgs := make([]*message.Message, len(evs))
	for i, e := range evs {
		m, err := bus.NewMessage(e)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = m
	}
	b.StartTimer()
	start := time.Now()
	for i, m := range msgs {
		if err := backend.Publisher().Publish(bus.EventTopic(evs[i].Type), m); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

func forwarderRound(b *testing.B, backend bus.Backend, types []string) time.Duration {
	b.StopTimer()
	events := esmemory.New()
	evs := benchAppend(b, events, types)
	last := evs[len(evs)-1].Position
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := bus.NewForwarder(events, backend.Publisher(), events, backend.Name(), quiet, bus.ForwarderOptions{})
	b.StartTimer()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	for f.Status().Position < last {
		if s := f.Status(); s.State == bus.StateRetrying {
			b.Fatalf("forwarder failed: %s", s.Error)
		}
		time.Sleep(100 * time.Microsecond)
	}
	took := time.Since(start)
	cancel()
	<-done
	return took
}

// drain subscribes one consumer group that acknowledges everything to
// the benchmark's topics, on both sides alike: GoChannel drops what nobody
// reads, and its Publish waits for the subscriber's ack.
func drain(b *testing.B, backend bus.Backend, token string, types []string) {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	for _, typ := range types {
		sub, err := backend.Subscriber("c" + token)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = sub.Close() })
		msgs, err := sub.Subscribe(ctx, bus.EventTopic(typ))
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			for m := range msgs {
				m.Ack()
			}
		}()
	}
}
