// Package sagabus carries the commands of saga instances over a Watermill
// CQRS command bus to the modules' command handlers, and their replies
// back to the saga runtime as events over a CQRS event bus. On the
// embedded default both travel on an in-process GoChannel (NewGoChannel);
// any Watermill publisher and subscriber pair works.
package sagabus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/components/cqrs"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/sagas"
)

// Topics of the saga bus.
const (
	CommandTopic = "webos-saga-commands"
	ReplyTopic   = "webos-saga-replies"
)

// Message names, the "name" metadata the CQRS marshaler sets.
const (
	commandName = "sagas.Command"
	replyName   = "sagas.Reply"
)

// Bus is a sagas.Sender over Watermill: Send publishes an instance's
// command; the command handler runs it through the application's
// pipeline (sagas.Execute) and publishes the reply, which the reply
// handler hands to the runtime. A handler that fails nacks its message,
// which is delivered again: the command id makes a command run twice
// apply once, and the runtime ignores a reply it has seen.
type Bus struct {
	commands *cqrs.CommandBus
	replies  *cqrs.EventBus
	router   *message.Router
	sub      message.Subscriber
	app      *application.App
	log      *slog.Logger
	hook     sagas.Hook
}

// NewGoChannel returns the in-process pub/sub of the embedded default.
func NewGoChannel(log *slog.Logger) *gochannel.GoChannel {
	return gochannel.NewGoChannel(gochannel.Config{OutputChannelBuffer: 256}, watermill.NewSlogLogger(log))
}

var marshaler = cqrs.JSONMarshaler{GenerateName: func(v any) string {
	switch v.(type) {
	case *sagas.Command, sagas.Command:
		return commandName
	case *sagas.Reply, sagas.Reply:
		return replyName
	}
	return cqrs.FullyQualifiedStructName(v)
}}

// New returns a bus publishing on pub and reading from sub, whose
// commands run on app. When app has a tracer, each message carries the
// W3C trace context of its sender's span in its metadata (as the event
// bus's messages do), and each handler runs in a consumer span that
// continues it: a saga step's command, its run through the pipeline and
// its reply are one trace with the step.
func New(pub message.Publisher, sub message.Subscriber, app *application.App, log *slog.Logger) (*Bus, error) {
	wlog := watermill.NewSlogLogger(log)
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: 10 * time.Second}, wlog)
	if err != nil {
		return nil, err
	}
	t := app.Tracer()
	commands, err := cqrs.NewCommandBusWithConfig(pub, cqrs.CommandBusConfig{
		GeneratePublishTopic: func(cqrs.CommandBusGeneratePublishTopicParams) (string, error) { return CommandTopic, nil },
		Marshaler:            marshaler, Logger: wlog,
		OnSend: func(p cqrs.CommandBusOnSendParams) error { bus.TraceOnSend(t, p.Message); return nil },
	})
	if err != nil {
		return nil, err
	}
	replies, err := cqrs.NewEventBusWithConfig(pub, cqrs.EventBusConfig{
		GeneratePublishTopic: func(cqrs.GenerateEventPublishTopicParams) (string, error) { return ReplyTopic, nil },
		Marshaler:            marshaler, Logger: wlog,
		OnPublish: func(p cqrs.OnEventSendParams) error { bus.TraceOnSend(t, p.Message); return nil },
	})
	if err != nil {
		return nil, err
	}
	return &Bus{commands: commands, replies: replies, router: router, sub: sub, app: app, log: log}, nil
}

// Send publishes cmd. Its message id is the command id and attempt, the
// same for a resend, so brokers that deduplicate see one message.
func (b *Bus) Send(ctx context.Context, cmd sagas.Command) error {
	return b.commands.SendWithModifiedMessage(ctx, &cmd, func(m *message.Message) error {
		m.UUID = fmt.Sprintf("%s#%d", cmd.CommandID, cmd.Attempt)
		return nil
	})
}

// Run adds the command and reply handlers (replies go to onReply, the
// runtime's HandleReply) and runs them until ctx ends. Commands sent
// before Running is closed may be lost on a bus without persistence
// (GoChannel): the runtime sends every unanswered command again when it
// recovers, so start the bus first.
func (b *Bus) Run(ctx context.Context, onReply func(context.Context, sagas.Reply) error) error {
	wlog := watermill.NewSlogLogger(b.log)
	cp, err := cqrs.NewCommandProcessorWithConfig(b.router, cqrs.CommandProcessorConfig{
		GenerateSubscribeTopic: func(cqrs.CommandProcessorGenerateSubscribeTopicParams) (string, error) { return CommandTopic, nil },
		SubscriberConstructor:  func(cqrs.CommandProcessorSubscriberConstructorParams) (message.Subscriber, error) { return b.sub, nil },
		Marshaler:              marshaler, Logger: wlog,
	})
	if err != nil {
		return err
	}
	ep, err := cqrs.NewEventProcessorWithConfig(b.router, cqrs.EventProcessorConfig{
		GenerateSubscribeTopic: func(cqrs.EventProcessorGenerateSubscribeTopicParams) (string, error) { return ReplyTopic, nil },
		SubscriberConstructor:  func(cqrs.EventProcessorSubscriberConstructorParams) (message.Subscriber, error) { return b.sub, nil },
		Marshaler:              marshaler, Logger: wlog,
	})
	if err != nil {
		return err
	}
	b.router.AddMiddleware(bus.Traced(b.app.Tracer(), "sagabus.consume"))
	err = errors.Join(
		cp.AddHandlers(cqrs.NewCommandHandler("sagas.commands", func(ctx context.Context, cmd *sagas.Command) error {
			reply := sagas.Execute(ctx, b.app, *cmd, b.log)
			if b.hook != nil {
				b.hook(sagas.Boundary{Point: sagas.PointApplied, Instance: cmd.Instance, What: sagas.StepName(cmd.Step, cmd.Compensation)})
			}
			return b.replies.Publish(ctx, &reply)
		})),
		ep.AddHandlers(cqrs.NewEventHandler("sagas.replies", func(ctx context.Context, r *sagas.Reply) error {
			return onReply(ctx, *r)
		})),
	)
	if err != nil {
		return err
	}
	return b.router.Run(ctx)
}

// Observe tells h of every command applied at the far end of the bus
// before its reply leaves (sagas.PointApplied). Call it before Run.
func (b *Bus) Observe(h sagas.Hook) { b.hook = h }

// Running is closed once the handlers are subscribed.
func (b *Bus) Running() <-chan struct{} { return b.router.Running() }
