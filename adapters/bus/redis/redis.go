// Package redis is the Redis Streams bus backend (redis://host:6379/0).
//
// Each topic is a stream of the same name; each consumer group a Redis
// consumer group on it, created at the stream's start, so a group sees
// every message ever published. Publish returns once XADD answered; the
// server must persist (appendonly yes) for messages to survive its
// restart. A message left pending by a consumer that died is claimed by
// another after max_idle. The client reconnects on its own; a server
// that does not answer at start fails Open.
//
// Query parameters: max_idle (default 30s), how long a message may stay
// pending before another consumer of the group claims it.
package redis

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	goredis "github.com/redis/go-redis/v9"

	"github.com/webos-engine/webos/adapters/bus"
)

// Backend is a Redis Streams bus.
type Backend struct {
	name    string
	maxIdle time.Duration
	log     watermill.LoggerAdapter
	client  *goredis.Client
	pub     *redisstream.Publisher
}

// Open connects to the server at u.
func Open(u *url.URL, log *slog.Logger) (*Backend, error) {
	maxIdle, err := bus.DurationParam(u, "max_idle", 30*time.Second)
	if err != nil {
		return nil, err
	}
	c := *u
	q := c.Query()
	q.Del("max_idle")
	c.RawQuery = q.Encode()
	opts, err := goredis.ParseURL(c.String())
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", bus.Redacted(u), err)
	}
	opts.DialTimeout = 5 * time.Second
	b := &Backend{name: bus.Redacted(u), maxIdle: maxIdle, log: watermill.NewSlogLogger(log), client: goredis.NewClient(opts)}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := b.client.Ping(ctx).Err(); err != nil {
		_ = b.client.Close()
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	if b.pub, err = redisstream.NewPublisher(redisstream.PublisherConfig{Client: b.client}, b.log); err != nil {
		_ = b.client.Close()
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return b, nil
}

// Name implements bus.Backend.
func (b *Backend) Name() string { return b.name }

// Check implements bus.Checker: a PING.
func (b *Backend) Check(ctx context.Context) error {
	if err := b.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("bus %s: %w", b.name, err)
	}
	return nil
}

// Publisher implements bus.Backend.
func (b *Backend) Publisher() message.Publisher { return b.pub }

// Subscriber implements bus.Backend.
func (b *Backend) Subscriber(group string) (message.Subscriber, error) {
	sub, err := redisstream.NewSubscriber(redisstream.SubscriberConfig{
		Client: b.client, ConsumerGroup: group, OldestId: "0",
		ClaimInterval: b.maxIdle / 2, MaxIdleTime: b.maxIdle, DisableIndefiniteInitialBlock: true,
	}, b.log)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return sub, nil
}

// Close implements bus.Backend.
func (b *Backend) Close() error { return b.client.Close() }
