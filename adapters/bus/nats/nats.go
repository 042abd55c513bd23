// Package nats is the NATS JetStream bus backend (nats://host:4222).
//
// Each topic is a JetStream stream of the same name (file storage, limits
// retention), created on first use; each consumer group a durable
// consumer of it with explicit acks, shared by the group's subscribers as
// a queue group. Publish waits for JetStream's acknowledgement and sends
// the message UUID as Nats-Msg-Id, so the server drops a resend within its
// duplicate window. The client reconnects forever after a connection
// loss; a server that is down at start fails Open at once.
//
// Query parameters: ack_wait (default 30s), how long the server waits for
// an ack before delivering a message again.
package nats

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	natsgo "github.com/nats-io/nats.go"

	"github.com/webos-engine/webos/adapters/bus"
)

// Backend is a NATS JetStream bus.
type Backend struct {
	name    string
	url     string
	ackWait time.Duration
	log     watermill.LoggerAdapter
	conn    *natsgo.Conn
	js      natsgo.JetStreamContext
	pub     *wmnats.Publisher
	mu      sync.Mutex
	streams map[string]bool
}

// Open connects to the NATS server at u.
func Open(u *url.URL, log *slog.Logger) (*Backend, error) {
	ackWait, err := bus.DurationParam(u, "ack_wait", 30*time.Second)
	if err != nil {
		return nil, err
	}
	c := *u
	c.RawQuery = ""
	b := &Backend{name: bus.Redacted(u), url: c.String(), ackWait: ackWait, log: watermill.NewSlogLogger(log), streams: map[string]bool{}}
	if b.conn, err = natsgo.Connect(b.url, b.options()...); err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	if b.js, err = b.conn.JetStream(); err == nil {
		_, err = b.js.AccountInfo() // fails when JetStream is off
	}
	if err == nil {
		b.pub, err = wmnats.NewPublisherWithNatsConn(b.conn, wmnats.PublisherPublishConfig{
			Marshaler: &wmnats.NATSMarshaler{}, SubjectCalculator: wmnats.DefaultSubjectCalculator,
			JetStream: wmnats.JetStreamConfig{TrackMsgId: true},
		}, b.log)
	}
	if err != nil {
		b.conn.Close()
		return nil, fmt.Errorf("bus %s: JetStream: %w", b.name, err)
	}
	return b, nil
}

func (b *Backend) options() []natsgo.Option {
	return []natsgo.Option{
		natsgo.Timeout(5 * time.Second), natsgo.MaxReconnects(-1), natsgo.ReconnectWait(250 * time.Millisecond),
		natsgo.ReconnectBufSize(-1), // a publish while disconnected fails, and the caller retries it
	}
}

// Name implements bus.Backend.
func (b *Backend) Name() string { return b.name }

// Check implements bus.Checker: the client's connection state.
func (b *Backend) Check(context.Context) error {
	if s := b.conn.Status(); s != natsgo.CONNECTED {
		return fmt.Errorf("bus %s: %s", b.name, s)
	}
	return nil
}

// Publisher implements bus.Backend.
func (b *Backend) Publisher() message.Publisher { return publisher{b} }

// publisher creates each topic's stream once, then publishes with
// JetStream acknowledgements.
type publisher struct{ b *Backend }

func (p publisher) Publish(topic string, msgs ...*message.Message) error {
	if err := p.b.ensure(topic); err != nil {
		return err
	}
	return p.b.pub.Publish(topic, msgs...)
}

func (publisher) Close() error { return nil }

// ensure creates the stream of topic unless it exists.
func (b *Backend) ensure(topic string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.streams[topic] {
		return nil
	}
	if _, err := b.js.StreamInfo(topic); err != nil {
		if _, err := b.js.AddStream(&natsgo.StreamConfig{Name: topic, Subjects: []string{topic}, Storage: natsgo.FileStorage}); err != nil {
			return fmt.Errorf("creating stream %s: %w", topic, err)
		}
	}
	b.streams[topic] = true
	return nil
}

// notName matches what a durable consumer name cannot hold.
var notName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// Subscriber implements bus.Backend: the group is a durable consumer
// (its name with anything but letters, digits, "_" and "-" replaced by
// "_") delivering to a queue group of the same name.
func (b *Backend) Subscriber(group string) (message.Subscriber, error) {
	name := notName.ReplaceAllString(group, "_")
	sub, err := wmnats.NewSubscriber(wmnats.SubscriberConfig{
		URL: b.url, NatsOptions: b.options(), QueueGroupPrefix: name, SubscribersCount: 1,
		AckWaitTimeout: b.ackWait, CloseTimeout: 10 * time.Second, SubscribeTimeout: 10 * time.Second,
		Unmarshaler: &wmnats.NATSMarshaler{},
		JetStream: wmnats.JetStreamConfig{
			DurablePrefix: name,
			SubscribeOptions: []natsgo.SubOpt{
				natsgo.DeliverAll(), natsgo.AckExplicit(), natsgo.ManualAck(), natsgo.AckWait(b.ackWait),
			},
		},
	}, b.log)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return subscriber{sub, b}, nil
}

// subscriber creates a topic's stream before subscribing to it, so that a
// consumer may start before anything was published.
type subscriber struct {
	*wmnats.Subscriber
	b *Backend
}

// Subscribe implements message.Subscriber.
func (s subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := s.b.ensure(topic); err != nil {
		return nil, err
	}
	return s.Subscriber.Subscribe(ctx, topic)
}

// Close implements bus.Backend.
func (b *Backend) Close() error {
	b.conn.Close()
	return nil
}
