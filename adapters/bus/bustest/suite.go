package bustest

import (
	"context"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/application"
)

// Run runs the conformance suite against the backends open returns.
func Run(t *testing.T, open Factory) {
	t.Run("AppendedEventsReachTheConsumer", func(t *testing.T) { appendedEventsReachTheConsumer(t, open) })
	t.Run("DuplicateDeliveryChangesNothing", func(t *testing.T) { duplicateDeliveryChangesNothing(t, open) })
	t.Run("ForwarderRestartResendsNothingTwice", func(t *testing.T) { forwarderRestart(t, open) })
	t.Run("PoisonKeptAndReplayed", func(t *testing.T) { poisonKeptAndReplayed(t, open) })
	t.Run("TraceContinuesThroughTheBroker", func(t *testing.T) { traceContinues(t, open) })
}

func appendedEventsReachTheConsumer(t *testing.T, open Factory) {
	h := newHarness(t, open)
	if c, ok := h.backend.(bus.Checker); ok {
		if err := c.Check(context.Background()); err != nil {
			t.Fatalf("Check of a live backend: %v", err)
		}
	}
	h.start()
	evs := h.append(20, false)
	h.allOnce(evs)
	h.eventually("the forwarder's checkpoint is at the last event", func() bool {
		return h.fwd.Status().Position == evs[len(evs)-1].Position
	})
	cp, err := h.events.LoadCheckpoint(context.Background(), bus.ForwarderCheckpoint)
	if err != nil || cp.Position != evs[len(evs)-1].Position || cp.Hash != evs[len(evs)-1].Hash {
		t.Fatalf("forwarder checkpoint %+v, %v; want the last event's", cp, err)
	}
}

// duplicateDeliveryChangesNothing publishes every event again, then one
// new event per topic behind them; once those are handled, the
// duplicates were delivered (or dropped by a backend that deduplicates
// publishes by message UUID, as JetStream does) and applied nothing.
// Then it has the consumer fail after its effects committed, as a crash
// before the ack would: the redelivery changes nothing either.
func duplicateDeliveryChangesNothing(t *testing.T, open Factory) {
	h := newHarness(t, open)
	h.start()
	evs := h.append(6, false)
	h.allOnce(evs)
	for _, e := range evs {
		m, err := bus.NewMessage(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.backend.Publisher().Publish(bus.EventTopic(e.Type), m); err != nil {
			t.Fatal(err)
		}
	}
	markers := h.append(2, false)
	h.allOnce(append(evs, markers...))
	h.unacked.Store(true)
	before := h.calls.Load()
	late := h.append(4, false)
	h.allOnce(append(append(evs, markers...), late...))
	h.eventually("every event is delivered again after its failed ack", func() bool { return h.calls.Load() >= before+8 })
}

// forwarderRestart loses the forwarder's checkpoint, as a crash between
// publishing and saving it would: everything is sent again, and the
// inbox applies nothing twice.
func forwarderRestart(t *testing.T, open Factory) {
	h := newHarness(t, open)
	h.start()
	evs := h.append(10, false)
	h.allOnce(evs)
	h.stop()
	if err := h.events.SaveCheckpoint(context.Background(), bus.ForwarderCheckpoint, application.Checkpoint{}); err != nil {
		t.Fatal(err)
	}
	before := h.calls.Load()
	h.start()
	more := h.append(4, false)
	h.eventually("the events are forwarded again", func() bool { return h.calls.Load() >= before+int64(len(evs)+len(more)) })
	h.allOnce(append(evs, more...))
}

func poisonKeptAndReplayed(t *testing.T, open Factory) {
	h := newHarness(t, open)
	h.failing.Store(true)
	h.start()
	bad := h.append(1, true)
	good := h.append(3, false)
	h.allOnce(good) // a poison message blocks nothing behind it
	poison := bus.NewPoison(h.models)
	var recs []bus.PoisonRecord
	h.eventually("the failed message is archived", func() bool {
		var err error
		recs, err = poison.List(context.Background(), false)
		return err == nil && len(recs) == 1
	})
	r := recs[0]
	if r.Consumer != h.consumer || r.MessageID != bad[0].ID || r.EventType != bad[0].Type ||
		r.Error != "refused on purpose" || r.Topic != bus.EventTopic(bad[0].Type) || r.Replay {
		t.Fatalf("poison record %+v does not describe the failed event %s", r, bad[0].ID)
	}
	if len(h.seen(bad)) != 0 {
		t.Fatal("the failed event was applied")
	}
	// Retries: 2 in the harness: two retries, then one poisoned message.
	if r, p := h.retries.Load(), h.poisoned.Load(); r != 2 || p != 1 {
		t.Fatalf("router hooks: %d retries and %d poisoned, want 2 and 1", r, p)
	}
	h.failing.Store(false)
	if n, err := poison.MarkReplay(context.Background(), nil); err != nil || n != 1 {
		t.Fatalf("MarkReplay = %d, %v", n, err)
	}
	h.allOnce(bad)
	h.eventually("the replayed record is gone", func() bool {
		recs, err := poison.List(context.Background(), false)
		return err == nil && len(recs) == 0
	})
	time.Sleep(50 * time.Millisecond)
	h.allOnce(append(bad, good...))
}
