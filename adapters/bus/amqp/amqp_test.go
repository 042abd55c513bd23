package amqp_test

import (
	"io"
	"log/slog"
	"net/url"
	"testing"

	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/webos-engine/webos/adapters/bus"
	busamqp "github.com/webos-engine/webos/adapters/bus/amqp"
	"github.com/webos-engine/webos/adapters/bus/bustest"
)

// amqpURL is the machine's RabbitMQ (.ci/services starts it).
const amqpURL = "amqp://guest:guest@127.0.0.1:5672/"

func TestConformance(t *testing.T) {
	bustest.Run(t, openAMQP)
}

func openAMQP(t testing.TB, token string) bus.Backend {
	return openAt(t, amqpURL, token)
}

// openAt opens the backend on the broker at raw and removes what the test
// created at cleanup, through the machine's broker.
func openAt(t testing.TB, raw, token string) bus.Backend {
	u, _ := url.Parse(raw)
	b, err := busamqp.Open(u, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		cleanup(t, token)
	})
	return b
}

// cleanup deletes the exchanges and queues of the test's topics and
// groups.
func cleanup(t testing.TB, token string) {
	conn, err := amqp091.Dial(amqpURL)
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer func() { _ = conn.Close() }()
	ch, err := conn.Channel()
	if err != nil {
		return
	}
	topics, groups := bustest.Names(token)
	for _, topic := range topics {
		for _, group := range groups {
			_, _ = ch.QueueDelete(topic+"_"+group, false, false, false)
		}
		_ = ch.ExchangeDelete(topic, false, false)
	}
}

// BenchmarkForwarder compares the forwarder with raw Watermill publishing
// to the same backend (docs/benchmarks.md).
func BenchmarkForwarder(b *testing.B) {
	bustest.Throughput(b, openAMQP)
}
