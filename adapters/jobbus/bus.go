// Package jobbus carries the tickets of background jobs (jobs.Ticket)
// over a Watermill topic from the runtime that enqueues or retries a job
// to the workers that run it (jobs.Runtime.Handle). On the embedded
// default the topic lives on an in-process GoChannel whose Publish does
// not wait for the worker (NewGoChannel); with a broker (NATS, RabbitMQ,
// Redis, PostgreSQL) every process subscribes as one consumer group, so
// each ticket goes to one worker of one process.
package jobbus

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/webos-engine/webos/jobs"
)

// Topic is the topic of the tickets, and Group the consumer group of the
// workers. Processes share a broker's topic only within one deployment
// (one event store): a ticket taken by a process of another deployment
// would be dropped there, and its job would wait for the next recovery.
const (
	Topic = "webos-jobs"
	Group = "webos-jobs"
)

// NewGoChannel returns the in-process pub/sub of the embedded default. Its
// Publish hands the ticket over without waiting for a worker slot, so a
// job that enqueues another job never waits for itself.
func NewGoChannel(log *slog.Logger) *gochannel.GoChannel {
	return gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 1024}, watermill.NewSlogLogger(log))
}

// Bus publishes tickets on pub and hands those read from sub to a
// handler (jobs.Queue).
type Bus struct {
	topic  string
	pub    message.Publisher
	sub    message.Subscriber
	router *message.Router
	log    *slog.Logger
}

// New returns a bus publishing tickets to topic (Topic in the engine) on
// pub and reading them from sub.
func New(topic string, pub message.Publisher, sub message.Subscriber, log *slog.Logger) (*Bus, error) {
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, watermill.NewSlogLogger(log))
	if err != nil {
		return nil, err
	}
	return &Bus{topic: topic, pub: pub, sub: sub, router: router, log: log}, nil
}

// Publish publishes t. Its message id is the job and attempt, the same for
// a ticket published again, so brokers that deduplicate see one message.
func (b *Bus) Publish(_ context.Context, t jobs.Ticket) error {
	payload, err := json.Marshal(t)
	if err != nil {
		return err
	}
	return b.pub.Publish(b.topic, message.NewMessage(fmt.Sprintf("%s#%d", t.Job, t.Attempt), payload))
}

// Run hands every ticket to handle until ctx ends. A ticket handle fails
// is tried again a few times with backoff, then dropped with a log line:
// the job is stored, and the runtime's next recovery publishes its
// ticket again. A message that is not a ticket is dropped.
func (b *Bus) Run(ctx context.Context, handle func(context.Context, jobs.Ticket) error) error {
	h := b.router.AddConsumerHandler("jobs.tickets", b.topic, b.sub, func(msg *message.Message) error {
		t, ok := ticket(msg.Payload)
		if !ok {
			return nil
		}
		return handle(msg.Context(), t)
	})
	retry := middleware.Retry{MaxRetries: 3, InitialInterval: 100 * time.Millisecond, MaxInterval: 2 * time.Second, Multiplier: 2}
	h.AddMiddleware(b.dropFailed, retry.Middleware)
	return b.router.Run(ctx)
}

// ticket decodes a ticket; anything else is not one.
func ticket(payload []byte) (jobs.Ticket, bool) {
	var t jobs.Ticket
	err := json.Unmarshal(payload, &t)
	return t, err == nil && t.Job != ""
}

// dropFailed acks a ticket whose handling failed every retry.
func (b *Bus) dropFailed(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		out, err := h(msg)
		if err != nil {
			b.log.Error("job ticket not handled; the next recovery publishes it again", "ticket", string(msg.Payload), "error", err)
		}
		return out, nil
	}
}

// Running is closed once the handler is subscribed.
func (b *Bus) Running() <-chan struct{} { return b.router.Running() }
