// Package postgres is the PostgreSQL bus backend
// (postgres://user@host:5432/db), Watermill's SQL pub/sub (watermill-sql
// v4) over a pgx pool.
//
// Each topic is a table of messages; each consumer group keeps its offset
// in the topic's offsets table, and reads only below the oldest running
// transaction (pg_snapshot_xmin), so a message committed late is never
// skipped. Publish returns once the INSERT committed. Table names are
// "wm_<topic>" and "wm_offsets_<topic>", shortened with a hash when they
// would pass PostgreSQL's 63-byte limit. The pool reconnects on its own;
// a server that does not answer at start fails Open.
//
// Query parameters: poll (default 100ms), how often an idle subscriber
// looks for new messages. Others are pgx's.
package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wmsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/webos-engine/webos/adapters/bus"
)

// Backend is a PostgreSQL bus.
type Backend struct {
	name string
	poll time.Duration
	log  watermill.LoggerAdapter
	pool *pgxpool.Pool
	pub  *wmsql.Publisher
}

// Open connects to the database at u.
func Open(u *url.URL, log *slog.Logger) (*Backend, error) {
	poll, err := bus.DurationParam(u, "poll", 100*time.Millisecond)
	if err != nil {
		return nil, err
	}
	c := *u
	q := c.Query()
	q.Del("poll")
	if !q.Has("connect_timeout") {
		q.Set("connect_timeout", "5")
	}
	c.RawQuery = q.Encode()
	b := &Backend{name: bus.Redacted(u), poll: poll, log: watermill.NewSlogLogger(log)}
	cfg, err := pgxpool.ParseConfig(c.String())
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if b.pool, err = pgxpool.NewWithConfig(ctx, cfg); err == nil {
		err = b.pool.Ping(ctx)
	}
	if err == nil {
		b.pub, err = wmsql.NewPublisher(wmsql.BeginnerFromPgx(b.pool), wmsql.PublisherConfig{
			SchemaAdapter: schema(), AutoInitializeSchema: true,
		}, b.log)
	}
	if err != nil {
		if b.pool != nil {
			b.pool.Close()
		}
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return b, nil
}

func schema() wmsql.DefaultPostgreSQLSchema {
	return wmsql.DefaultPostgreSQLSchema{GenerateMessagesTableName: func(topic string) string { return table("wm_", topic) }}
}

// table is the quoted name of topic's table with prefix, cut to 63
// bytes with a hash of the whole name when longer.
func table(prefix, topic string) string {
	name := prefix + topic
	if len(name) > 63 {
		sum := sha256.Sum256([]byte(name))
		name = name[:63-17] + "_" + hex.EncodeToString(sum[:8])
	}
	return `"` + name + `"`
}

// Name implements bus.Backend.
func (b *Backend) Name() string { return b.name }

// Check implements bus.Checker: a ping on one of the pool's connections.
func (b *Backend) Check(ctx context.Context) error {
	if err := b.pool.Ping(ctx); err != nil {
		return fmt.Errorf("bus %s: %w", b.name, err)
	}
	return nil
}

// Publisher implements bus.Backend.
func (b *Backend) Publisher() message.Publisher { return b.pub }

// Subscriber implements bus.Backend.
func (b *Backend) Subscriber(group string) (message.Subscriber, error) {
	sub, err := wmsql.NewSubscriber(wmsql.BeginnerFromPgx(b.pool), wmsql.SubscriberConfig{
		ConsumerGroup: group, PollInterval: b.poll, ResendInterval: b.poll, RetryInterval: b.poll,
		SchemaAdapter: schema(), InitializeSchema: true,
		OffsetsAdapter: wmsql.DefaultPostgreSQLOffsetsAdapter{
			GenerateMessagesOffsetsTableName: func(topic string) string { return table("wm_offsets_", topic) },
		},
	}, b.log)
	if err != nil {
		return nil, fmt.Errorf("bus %s: %w", b.name, err)
	}
	return sub, nil
}

// Close implements bus.Backend.
func (b *Backend) Close() error {
	err := b.pub.Close()
	b.pool.Close()
	return err
}
