package bus

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
)

// ArchiveGroup is the consumer group of the poison archive.
const ArchiveGroup = "webos-poison-archive"

// addArchive subscribes the poison archive to PoisonTopic. It never
// poisons its own messages: a store failure is retried until it passes.
func (r *Router) addArchive() error {
	sub, err := r.backend.Subscriber(ArchiveGroup)
	if err != nil {
		return err
	}
	h := r.router.AddConsumerHandler(ArchiveGroup, r.opts.PoisonTopic, sub, func(m *message.Message) error {
		rec := record(m)
		r.log.Error("bus consumer gave up on a message; kept it for `webos bus poison replay`",
			"consumer", rec.Consumer, "message", rec.MessageID, "event_type", rec.EventType, "error", rec.Error)
		return r.poison.Keep(m.Context(), rec)
	})
	h.AddMiddleware(middleware.Retry{
		MaxRetries: 1 << 20, InitialInterval: r.opts.InitialBackoff, MaxInterval: r.opts.MaxBackoff, Multiplier: 2,
	}.Middleware)
	return nil
}

// replayLoop hands poison messages marked for replay back to their
// consumers, at start and then every ReplayEvery, until ctx ends.
func (r *Router) replayLoop(ctx context.Context) {
	t := time.NewTicker(r.opts.ReplayEvery)
	defer t.Stop()
	for {
		if err := r.replay(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("replaying poison messages failed; trying again later", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// replay runs each record marked for replay whose consumer this Router
// hosts through the consumer once. A success removes the record; a
// failure keeps it with the new error, unmarked.
func (r *Router) replay(ctx context.Context) error {
	recs, err := r.poison.List(ctx, true)
	if err != nil {
		return err
	}
	for _, rec := range recs {
		r.mu.Lock()
		c, ok := r.consumers[rec.Consumer]
		r.mu.Unlock()
		if !ok {
			continue
		}
		m := message.NewMessage(rec.MessageID, message.Payload(rec.Payload))
		m.Metadata = rec.Metadata
		m.SetContext(ctx)
		if herr := consume(c, r.opts.Tracer)(m); herr != nil {
			r.log.Warn("replayed poison message failed again", "consumer", rec.Consumer, "message", rec.MessageID, "error", herr)
			rec.Error, rec.Replay, rec.Replays = herr.Error(), false, rec.Replays+1
			if err := r.poison.Keep(ctx, rec); err != nil {
				return err
			}
			continue
		}
		r.log.Info("replayed poison message", "consumer", rec.Consumer, "message", rec.MessageID)
		if err := r.poison.forget(ctx, rec.ID); err != nil {
			return err
		}
	}
	return nil
}
