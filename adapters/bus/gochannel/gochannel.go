// Package gochannel is the in-process bus backend, the embedded default:
// Watermill's GoChannel with Publish blocking until every subscriber
// acknowledged, so the Forwarder's checkpoint advances only after the
// event was handled. It keeps nothing: consumers must subscribe (Router
// Running) before the Forwarder starts, and a message published to a
// topic nobody reads is dropped.
package gochannel

import (
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	wmgochannel "github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
)

// Backend is the in-process bus.
type Backend struct{ pubsub *wmgochannel.GoChannel }

// New returns an in-process bus.
func New(log *slog.Logger) *Backend {
	return &Backend{pubsub: wmgochannel.NewGoChannel(wmgochannel.Config{BlockPublishUntilSubscriberAck: true},
		watermill.NewSlogLogger(log))}
}

// Name implements bus.Backend.
func (b *Backend) Name() string { return "gochannel" }

// Publisher implements bus.Backend.
func (b *Backend) Publisher() message.Publisher { return b.pubsub }

// Subscriber implements bus.Backend. GoChannel has no consumer groups:
// every subscription gets every message of its topic, which is a group of
// one per subscription. Closing it closes nothing shared.
func (b *Backend) Subscriber(string) (message.Subscriber, error) { return subscriber{b.pubsub}, nil }

// Close implements bus.Backend.
func (b *Backend) Close() error { return b.pubsub.Close() }

// subscriber leaves the shared GoChannel open when a Router closes it.
type subscriber struct{ *wmgochannel.GoChannel }

func (subscriber) Close() error { return nil }
