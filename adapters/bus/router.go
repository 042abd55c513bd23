package bus

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/webos-engine/webos/application"
)

// RouterOptions tunes a Router; zero values take the defaults.
type RouterOptions struct {
	// Retries is how often a failing handler is tried again before its
	// message goes to the poison topic (default 5).
	Retries int
	// InitialBackoff and MaxBackoff bound the wait between tries
	// (defaults 100ms and 5s); it doubles after each.
	InitialBackoff, MaxBackoff time.Duration
	// ReplayEvery is how often poison messages marked for replay are
	// looked for (default 5s).
	ReplayEvery time.Duration
	// PoisonTopic is where failed messages go (default PoisonTopic); tests
	// sharing a broker give each run its own.
	PoisonTopic string
	// OnRetry and OnPoisoned, when set, are told each time a consumer's
	// handler is tried again and each time one of its messages is given
	// up on (sent to the poison topic); metrics count them.
	OnRetry, OnPoisoned func(consumer string)
	// Tracer, when set, runs each try of a consumer's handler in a
	// consumer span named "bus.consume <consumer>", the child of the
	// forwarder's span whose trace context the message carries.
	Tracer application.Tracer
}

func (o *RouterOptions) defaults() {
	if o.Retries <= 0 {
		o.Retries = 5
	}
	if o.InitialBackoff <= 0 {
		o.InitialBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.ReplayEvery <= 0 {
		o.ReplayEvery = 5 * time.Second
	}
	if o.PoisonTopic == "" {
		o.PoisonTopic = PoisonTopic
	}
}

// Router runs bus consumers: one Watermill handler per consumer and event
// type, subscribed as the consumer's group. A handler that fails is tried
// again with backoff; after the last try its message goes to PoisonTopic
// with the error, and the Poison archive keeps it until it is replayed.
type Router struct {
	backend   Backend
	router    *message.Router
	poison    *Poison
	log       *slog.Logger
	opts      RouterOptions
	mu        sync.Mutex
	consumers map[string]application.BusConsumer
}

// NewRouter returns a Router on backend that archives poison messages in
// poison.
func NewRouter(backend Backend, poison *Poison, log *slog.Logger, opts RouterOptions) (*Router, error) {
	opts.defaults()
	wr, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, watermill.NewSlogLogger(log))
	if err != nil {
		return nil, err
	}
	r := &Router{backend: backend, router: wr, poison: poison, log: log, opts: opts,
		consumers: map[string]application.BusConsumer{}}
	if err := r.addArchive(); err != nil {
		return nil, err
	}
	return r, nil
}

// Add registers a consumer; call it before Run. Its handler runs in a
// context whose application.Meta names the event as the message being
// handled (commands it sends are caused by the event and keep its
// correlation and trace context).
func (r *Router) Add(c application.BusConsumer) error {
	if c.Name == "" || len(c.Types) == 0 || c.Handle == nil {
		return fmt.Errorf("bus consumer %q needs a name, event types and a handler", c.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.consumers[c.Name]; dup {
		return fmt.Errorf("bus consumer %q is registered twice", c.Name)
	}
	r.consumers[c.Name] = c
	poisonMW, err := middleware.PoisonQueue(r.backend.Publisher(), r.opts.PoisonTopic)
	if err != nil {
		return err
	}
	for _, typ := range c.Types {
		sub, err := r.backend.Subscriber(c.Name)
		if err != nil {
			return fmt.Errorf("bus consumer %s: %w", c.Name, err)
		}
		h := r.router.AddConsumerHandler(c.Name+"/"+typ, EventTopic(typ), sub, consume(c, r.opts.Tracer))
		h.AddMiddleware(poisonMW, r.gaveUp(c.Name), r.retry(c.Name).Middleware)
	}
	return nil
}

// consume adapts a consumer's handler to a Watermill handler, traced by
// t unless it is nil.
func consume(c application.BusConsumer, t application.Tracer) message.NoPublishHandlerFunc {
	return func(m *message.Message) error {
		e, err := Envelope(m)
		if err != nil {
			return err
		}
		ctx := handlerContext(m, e)
		if t == nil {
			return c.Handle(ctx, e)
		}
		o := application.EventSpanOptions(&e, application.StrAttr("webos.consumer", c.Name))
		if tc := MessageTraceContext(m); tc != nil {
			o.Parent = tc
		}
		ctx, span := t.Start(ctx, "bus.consume "+c.Name, o)
		err = c.Handle(ctx, e)
		span.End(err)
		return err
	}
}

func (r *Router) retry(consumer string) middleware.Retry {
	rt := middleware.Retry{
		MaxRetries: r.opts.Retries, InitialInterval: r.opts.InitialBackoff, MaxInterval: r.opts.MaxBackoff,
		Multiplier: 2, ResetContextOnRetry: true,
	}
	if r.opts.OnRetry != nil {
		rt.OnRetryHook = func(int, time.Duration) { r.opts.OnRetry(consumer) }
	}
	return rt
}

// gaveUp sits between the poison queue and the retries: an error coming
// out of the retries is a message about to be poisoned.
func (r *Router) gaveUp(consumer string) message.HandlerMiddleware {
	return func(next message.HandlerFunc) message.HandlerFunc {
		return func(m *message.Message) ([]*message.Message, error) {
			out, err := next(m)
			if err != nil && r.opts.OnPoisoned != nil {
				r.opts.OnPoisoned(consumer)
			}
			return out, err
		}
	}
}

// Run runs the consumers until ctx ends, and replays poison messages an
// operator marked for replay. It returns once the router stopped.
func (r *Router) Run(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.replayLoop(ctx)
	}()
	err := r.router.Run(ctx)
	<-done
	return err
}

// Running is closed once every handler has subscribed.
func (r *Router) Running() <-chan struct{} { return r.router.Running() }

// Close stops the consumers, waiting for running handlers.
func (r *Router) Close() error { return r.router.Close() }
