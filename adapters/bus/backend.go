package bus

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
)

// Checker is implemented by a Backend that can tell cheaply whether its
// server is reachable right now: /readyz asks it, so that a bus lost
// while nothing is being forwarded shows too.
type Checker interface {
	// Check returns nil when the backend's connection is up.
	Check(ctx context.Context) error
}

// Backend is one Watermill transport: GoChannel in process, or a broker
// chosen by URL (adapters/bus/<backend>).
//
// Contract, checked by adapters/bus/bustest for every backend:
//   - Publish returns only once the backend has the messages (a broker's
//     acknowledgement, or GoChannel's subscribers' acks): a message whose
//     Publish returned is delivered to every consumer group subscribed to
//     its topic, at least once, even across a restart of the broker.
//   - Subscribers of one group share the group's messages; each group gets
//     every message, including those published while it was away (where
//     the backend persists messages; GoChannel does not, and is used in one
//     process whose consumers subscribe before anything is published).
//   - A message that is nacked, or not acked before the process dies, is
//     delivered again.
type Backend interface {
	// Name says which backend this is, without credentials, for logs and
	// status: "gochannel", "nats://host:4222", ...
	Name() string
	// Publisher returns the backend's publisher. It is safe for
	// concurrent use and closed by Close.
	Publisher() message.Publisher
	// Subscriber returns a new subscriber for consumer group group. The
	// caller closes it (a Watermill Router does when it stops).
	Subscriber(group string) (message.Subscriber, error)
	// Close closes the publisher and releases the connection.
	Close() error
}
