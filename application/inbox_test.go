package application_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	esmemory "github.com/webos-engine/webos/adapters/eventstore/memory"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func busEvent(id string) domain.Envelope {
	return domain.Envelope{ID: id, Type: "m.Happened", Position: 3, Hash: "h", Data: json.RawMessage(`{}`)}
}

// TestInboxInEventStore: a redelivered event makes the same append, which
// the event store refuses as a duplicate: success, and one event stored.
func TestInboxInEventStore(t *testing.T) {
	ctx := context.Background()
	store := esmemory.New()
	calls := 0
	h := application.InboxInEventStore("saga", func(ctx context.Context, e domain.Envelope, ids func(int) string) error {
		calls++
		_, err := store.Append(ctx, "reaction-"+e.ID, domain.AnyVersion, []domain.Envelope{
			{ID: ids(0), Type: "m.Reacted", SchemaVersion: 1, RecordedAt: time.Now(), Data: json.RawMessage(`{}`)},
			{ID: ids(1), Type: "m.Reacted", SchemaVersion: 1, RecordedAt: time.Now(), Data: json.RawMessage(`{}`)},
		})
		return err
	})
	for range 3 {
		if err := h(ctx, busEvent("e1")); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := store.StreamVersion(ctx, "reaction-e1"); err != nil || v != 2 || calls != 3 {
		t.Fatalf("stream version %d (%v) after %d calls, want 2 events stored once", v, err, calls)
	}
	if application.InboxEventID("saga", "e1", 0) == application.InboxEventID("other", "e1", 0) ||
		application.InboxEventID("saga", "e1", 0) == application.InboxEventID("saga", "e1", 1) {
		t.Fatal("inbox event ids collide")
	}
	boom := errors.New("boom")
	failing := application.InboxInEventStore("saga", func(context.Context, domain.Envelope, func(int) string) error { return boom })
	if err := failing(ctx, busEvent("e2")); !errors.Is(err, boom) {
		t.Fatalf("a failing handler returned %v", err)
	}
}

// TestInboxInReadModels: the record and the effects commit together; a
// failed attempt records nothing, so the retry applies the event.
func TestInboxInReadModels(t *testing.T) {
	ctx := context.Background()
	store := rmmemory.New()
	if err := store.Declare(ctx, application.CollectionSpec{Name: "counts"}); err != nil {
		t.Fatal(err)
	}
	fail := true
	h := application.InboxInReadModels(store, "counter", func(ctx context.Context, tx application.ReadModelTx, e domain.Envelope) error {
		var doc struct{ N int }
		if raw, err := tx.Get(ctx, "counts", "all"); err == nil {
			_ = json.Unmarshal(raw, &doc)
		}
		doc.N++
		if err := tx.Upsert(ctx, "counts", "all", doc); err != nil {
			return err
		}
		if fail {
			return errors.New("after the write")
		}
		return nil
	})
	if err := h(ctx, busEvent("e1")); err == nil {
		t.Fatal("the failure was swallowed")
	}
	fail = false
	for _, id := range []string{"e1", "e1", "e2", "e1", "e2"} {
		if err := h(ctx, busEvent(id)); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := store.Get(ctx, "counts", "all")
	if err != nil || string(raw) != `{"N":2}` {
		t.Fatalf("counts = %s, %v; want each event counted once", raw, err)
	}
	if n, err := store.Count(ctx, application.InboxCollection, nil); err != nil || n != 2 {
		t.Fatalf("inbox holds %d records (%v), want 2", n, err)
	}
}
