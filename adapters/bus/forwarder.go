package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// ForwarderCheckpoint is the name the Forwarder saves its checkpoint
// under when ForwarderOptions.Checkpoint is empty.
const ForwarderCheckpoint = "bus.forwarder"

// ForwarderOptions tunes a Forwarder; zero values take the defaults.
type ForwarderOptions struct {
	// Batch is the most events published before the checkpoint is saved
	// (default 256). Events are batched only when they are already
	// waiting: a lone event is published and checkpointed at once.
	Batch int
	// MinBackoff and MaxBackoff bound the wait before retrying after a
	// failure (defaults 100ms and 5s); it doubles on each failure in a row.
	MinBackoff, MaxBackoff time.Duration
	// Checkpoint names the forwarder's checkpoint (default
	// ForwarderCheckpoint). Give each bus its own: a checkpoint reached
	// on one bus says nothing about what another has received.
	Checkpoint string
	// Tracer, when set, publishes each event in a producer span named
	// "bus.forward <topic>", the child of the span that appended the
	// event, whose trace context the message's metadata carries instead
	// of the event's (consumers become its children).
	Tracer application.Tracer
}

func (o *ForwarderOptions) defaults() {
	if o.Batch <= 0 {
		o.Batch = 256
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 100 * time.Millisecond
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Second
	}
	if o.Checkpoint == "" {
		o.Checkpoint = ForwarderCheckpoint
	}
}

// Forwarder publishes every stored event to the bus, in position order,
// at least once: it follows the event store's global feed from its own
// checkpoint, and saves the checkpoint only after Publish returned for
// every event up to it. After a crash it publishes again what came after
// the checkpoint; consumers' inboxes drop the repeats (the message UUID is
// the event id).
type Forwarder struct {
	events  application.EventStore
	pub     message.Publisher
	cps     application.CheckpointStore
	log     *slog.Logger
	opts    ForwarderOptions
	backend string
	status  statusBox
}

// NewForwarder returns a Forwarder from events to pub, saving its
// checkpoint in cps. backend names the bus in its status.
func NewForwarder(events application.EventStore, pub message.Publisher, cps application.CheckpointStore, backend string, log *slog.Logger, opts ForwarderOptions) *Forwarder {
	opts.defaults()
	f := &Forwarder{events: events, pub: pub, cps: cps, log: log, opts: opts, backend: backend}
	kind, _, _ := strings.Cut(backend, "://")
	f.status.set(func(s *ForwarderStatus) { s.State, s.Backend = StateStarting, kind })
	return f
}

// Run forwards until ctx ends, then returns nil. A failure (the event
// store, the checkpoint store or the bus) is logged, shown in Status and
// Ready, and retried with backoff from the last checkpoint.
func (f *Forwarder) Run(ctx context.Context) error {
	wait := f.opts.MinBackoff
	for {
		if err := f.session(ctx); ctx.Err() == nil {
			f.failed(err, wait)
		}
		select {
		case <-ctx.Done():
			f.status.set(func(s *ForwarderStatus) { s.State = StateStopped })
			return nil
		case <-time.After(wait):
		}
		wait = min(2*wait, f.opts.MaxBackoff)
	}
}

func (f *Forwarder) failed(err error, wait time.Duration) {
	f.log.Warn("bus forwarder failed; retrying from its checkpoint", "backend", f.backend, "error", err, "retry_in", wait)
	f.status.set(func(s *ForwarderStatus) {
		if s.State != StateRetrying {
			now := time.Now().UTC()
			s.FailingSince = &now
		}
		s.State, s.Error = StateRetrying, err.Error()
	})
}

// session forwards from the saved checkpoint until ctx ends or something
// fails.
func (f *Forwarder) session(ctx context.Context) error {
	cp, err := f.start(ctx)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sub := f.events.Subscribe(sctx, cp.Position)
	batch := make([]domain.Envelope, 0, f.opts.Batch)
	for {
		e, ok := <-sub.Events()
		if !ok {
			if err := sub.Err(); err != nil {
				return fmt.Errorf("event store feed: %w", err)
			}
			return ctx.Err()
		}
		batch = append(batch[:0], e)
	more:
		for len(batch) < f.opts.Batch {
			select {
			case e, ok := <-sub.Events():
				if !ok {
					break more
				}
				batch = append(batch, e)
			default:
				break more
			}
		}
		if err := f.forward(ctx, cp.StoreID, batch); err != nil {
			return err
		}
	}
}

// start loads the checkpoint. One that no longer matches the event store
// (another store, a restored backup) starts the forwarder over from the
// beginning: publishing again is safe, skipping is not.
func (f *Forwarder) start(ctx context.Context) (application.Checkpoint, error) {
	cp, err := f.cps.LoadCheckpoint(ctx, f.opts.Checkpoint)
	if err != nil {
		return cp, fmt.Errorf("loading the forwarder's checkpoint: %w", err)
	}
	why, err := application.Diverged(ctx, f.events, cp)
	if err != nil {
		return cp, fmt.Errorf("checking the forwarder's checkpoint: %w", err)
	}
	if why != "" {
		f.log.Warn("bus forwarder checkpoint does not match the event store; forwarding every event again", "reason", why)
		cp = application.Checkpoint{}
	}
	if cp.StoreID, err = f.events.StoreID(ctx); err != nil {
		return cp, err
	}
	f.status.set(func(s *ForwarderStatus) {
		s.Position, s.State, s.Error, s.FailingSince = cp.Position, StateRunning, "", nil
	})
	return cp, nil
}

// forward publishes batch, runs of one topic in one Publish call, then
// saves the checkpoint at its last event.
func (f *Forwarder) forward(ctx context.Context, storeID string, batch []domain.Envelope) error {
	msgs := make([]*message.Message, len(batch))
	for i, e := range batch {
		m, err := NewMessage(e)
		if err != nil {
			return err
		}
		msgs[i] = m
	}
	for i := 0; i < len(batch); {
		topic := EventTopic(batch[i].Type)
		j := i + 1
		for j < len(batch) && batch[j].Type == batch[i].Type {
			j++
		}
		end := f.trace(ctx, topic, batch[i:j], msgs[i:j])
		err := f.pub.Publish(topic, msgs[i:j]...)
		end(err)
		if err != nil {
			return fmt.Errorf("publishing event %d to %s on %s: %w", batch[i].Position, topic, f.backend, err)
		}
		i = j
	}
	last := batch[len(batch)-1]
	cp := application.Checkpoint{StoreID: storeID, Position: last.Position, Hash: last.Hash}
	if err := f.cps.SaveCheckpoint(ctx, f.opts.Checkpoint, cp); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("saving the forwarder's checkpoint: %w", err)
	}
	f.status.set(func(s *ForwarderStatus) {
		s.Position, s.Forwarded, s.State, s.Error, s.FailingSince = last.Position, s.Forwarded+uint64(len(batch)), StateRunning, "", nil
	})
	return nil
}

// trace starts a producer span per message when tracing is on and puts
// its trace context in the message's metadata; the returned function ends
// them all with the outcome of their Publish call.
func (f *Forwarder) trace(ctx context.Context, topic string, events []domain.Envelope, msgs []*message.Message) func(error) {
	if f.opts.Tracer == nil {
		return func(error) {}
	}
	spans := make([]application.Span, len(events))
	system := f.status.get().Backend
	for k := range events {
		o := application.EventSpanOptions(&events[k], application.StrAttr("messaging.destination.name", topic),
			application.StrAttr("messaging.system", system))
		o.Kind = application.SpanProducer
		sctx, span := f.opts.Tracer.Start(ctx, "bus.forward "+topic, o)
		SetMessageTraceContext(msgs[k], f.opts.Tracer.TraceContext(sctx))
		spans[k] = span
	}
	return func(err error) {
		for _, s := range spans {
			s.End(err)
		}
	}
}

// Status returns what the forwarder is doing.
func (f *Forwarder) Status() ForwarderStatus { return f.status.get() }

// Ready returns nil while the forwarder works, and the failure it is
// retrying otherwise.
func (f *Forwarder) Ready() error {
	s := f.status.get()
	if s.State == StateRetrying {
		return fmt.Errorf("bus forwarder to %s: %s", s.Backend, s.Error)
	}
	return nil
}
