// Package amqp is the RabbitMQ bus backend (amqp://user:pass@host:5672/vhost).
//
// Watermill's durable pub/sub layout: each topic is a durable fanout
// exchange of the same name, each consumer group a durable queue
// "<topic>_<group>" bound to it, messages are persistent. Publish waits
// for the broker's publisher confirm. One connection is shared by the
// publisher and the subscribers and reconnects with backoff after a
// loss; a broker that is down at start fails Open within the dial
// timeout.
package amqp

import (
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmamqp "github.com/ThreeDotsLabs/watermill-amqp/v3/pkg/amqp"
	"github.com/ThreeDotsLabs/watermill/message"
	amqp091 "github.com/rabbitmq/amqp091-go"

	"github.com/webos-engine/webos/adapters/bus"
)

// Backend is a RabbitMQ bus.
type Backend struct {
	name string
	uri  string
	log  watermill.LoggerAdapter
	conn *wmamqp.ConnectionWrapper
	pub  *wmamqp.Publisher
}

// Open connects to the broker at u.
func Open(u *url.URL, log *slog.Logger) (*Backend, error) {
	b := &Backend{name: bus.Redacted(u), uri: u.String(), log: watermill.NewSlogLogger(log)}
	var err error
	b.conn, err = wmamqp.NewConnection(b.config("").Connection, b.log)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	if b.pub, err = wmamqp.NewPublisherWithConnection(b.config(""), b.log, b.conn); err != nil {
		_ = b.conn.Close()
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return b, nil
}

// config is the durable pub/sub configuration, with queues named for
// group.
func (b *Backend) config(group string) wmamqp.Config {
	c := wmamqp.NewDurablePubSubConfig(b.uri, wmamqp.GenerateQueueNameTopicNameWithSuffix(group))
	c.Connection.AmqpConfig = &amqp091.Config{Dial: amqp091.DefaultDial(5 * time.Second), Heartbeat: 10 * time.Second, Locale: "en_US"}
	c.Connection.Reconnect = &wmamqp.ReconnectConfig{
		BackoffInitialInterval: 100 * time.Millisecond, BackoffMultiplier: 2, BackoffMaxInterval: 5 * time.Second,
	}
	c.Publish.ConfirmDelivery = true
	c.Publish.ChannelPoolSize = 1
	return c
}

// Name implements bus.Backend.
func (b *Backend) Name() string { return b.name }

// Publisher implements bus.Backend.
func (b *Backend) Publisher() message.Publisher { return b.pub }

// Subscriber implements bus.Backend.
func (b *Backend) Subscriber(group string) (message.Subscriber, error) {
	sub, err := wmamqp.NewSubscriberWithConnection(b.config(group), b.log, b.conn)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return sub, nil
}

// Close implements bus.Backend.
func (b *Backend) Close() error {
	return b.conn.Close()
}
