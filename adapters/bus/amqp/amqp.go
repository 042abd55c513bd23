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
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
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
	pub  *publisher
}

// Open connects to the broker at u.
func Open(u *url.URL, log *slog.Logger) (*Backend, error) {
	b := &Backend{name: bus.Redacted(u), uri: u.String(), log: watermill.NewSlogLogger(log)}
	var err error
	b.conn, err = wmamqp.NewConnection(b.config("").Connection, b.log)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	b.pub = &publisher{open: func() (*wmamqp.Publisher, error) {
		return wmamqp.NewPublisherWithConnection(b.config(""), b.log, b.conn)
	}}
	if b.pub.current, err = b.pub.open(); err != nil {
		_ = b.conn.Close()
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return b, nil
}

// publisher is the backend's publisher. Watermill's AMQP publisher keeps
// its channels in a pool, and when a pooled channel cannot be opened again
// after a connection loss it leaves the pool for good (watermill-amqp
// v3.0.2, pooledChannelProvider.Channel): with the pool empty, every later
// Publish waits forever. So after a failed Publish the next one gets a
// new Watermill publisher, with a new pool, and the old pool is closed,
// which ends any Publish still waiting on it with an error.
type publisher struct {
	open    func() (*wmamqp.Publisher, error)
	mu      sync.Mutex
	current *wmamqp.Publisher // nil after a failure until reopened
}

// Publish implements message.Publisher.
func (p *publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.Lock()
	if p.current == nil {
		var err error
		if p.current, err = p.open(); err != nil {
			p.mu.Unlock()
			return err
		}
	}
	pub := p.current
	p.mu.Unlock()
	err := pub.Publish(topic, msgs...)
	if err != nil {
		p.mu.Lock()
		if p.current == pub {
			p.current = nil
			_ = pub.Close() // closes the pool only: the connection is shared
		}
		p.mu.Unlock()
	}
	return err
}

// Close implements message.Publisher.
func (p *publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current == nil {
		return nil
	}
	err := p.current.Close()
	p.current = nil
	return err
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

// Check implements bus.Checker: whether the shared connection is up (it
// is being made again after a loss otherwise).
func (b *Backend) Check(context.Context) error {
	if !b.conn.IsConnected() {
		return fmt.Errorf("bus %s: not connected", b.name)
	}
	return nil
}

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
	return errors.Join(b.pub.Close(), b.conn.Close())
}
