package eventstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// unchanged checks that failed appends left both the stream and the global
// feed exactly as they were: stream at version, the feed's head at head,
// the position of the last append that succeeded.
func unchanged(t *testing.T, s application.EventStore, stream string, version, head uint64) {
	t.Helper()
	if v, err := s.StreamVersion(context.Background(), stream); err != nil || v != version {
		t.Fatalf("%s at version %d (%v), want %d", stream, v, err, version)
	}
	if got := len(readStream(t, s, stream, 0, application.Forward, 0)); uint64(got) != version {
		t.Fatalf("%s has %d events, want %d", stream, got, version)
	}
	feedAt(t, s, head)
}

func testAtomicAppend(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	at := mustAppend(t, s, "cart", domain.NoStream, 2)[1].Position
	if _, err := s.Append(ctx, "cart", 1, newEvents(3)); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("stale multi-event append: %v", err)
	}
	unchanged(t, s, "cart", 2, at)
	// The third event is the one that fails, after two valid ones.
	bad := newEvents(3)
	bad[2].Data = json.RawMessage(`{"broken":`)
	if _, err := s.Append(ctx, "cart", 2, bad); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("append with invalid JSON data: err %v, want invalid", err)
	}
	unchanged(t, s, "cart", 2, at)
	at = mustAppend(t, s, "cart", 2, 1)[0].Position
	unchanged(t, s, "cart", 3, at)
}

// testDuplicateEventID: an append holding an id already stored, other than
// a retry of that very append, is refused by every store, and writes
// nothing.
func testDuplicateEventID(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	first := mustAppend(t, s, "a", domain.NoStream, 2)
	at := first[1].Position
	again := newEvents(3)
	again[2].ID = first[0].ID
	for _, stream := range []string{"a", "b"} {
		_, err := s.Append(ctx, stream, domain.AnyVersion, again)
		wantCode(t, err, domain.KindConflict, "duplicate_event")
	}
	twice := newEvents(2)
	twice[1].ID = twice[0].ID
	_, err := s.Append(ctx, "b", domain.NoStream, twice)
	wantCode(t, err, domain.KindConflict, "duplicate_event")
	// The ids of a's events, in order, but in another stream: not a
	// retry of anything.
	_, err = s.Append(ctx, "b", domain.NoStream, retryOf(first))
	wantCode(t, err, domain.KindConflict, "duplicate_event")
	// Nor are these, whatever their expected version says: more events
	// than were stored, and a's second event where its first is.
	for name, events := range map[string][]domain.Envelope{
		"a retry with one more event": append(retryOf(first), newEvents(1)...),
		"a stored event moved":        retryOf(first[1:]),
	} {
		if _, err := s.Append(ctx, "a", domain.NoStream, events); !errors.Is(err, domain.ErrConflict) {
			t.Errorf("%s: err %v, want a conflict", name, err)
		}
	}
	unchanged(t, s, "a", 2, at)
	unchanged(t, s, "b", 0, at)
}

// testRetriedAppend: an append sent again (the same ids, after the same
// expected version: a client that lost the first answer) writes nothing.
// A store with IdempotentRetries answers it with the stored events, the
// others with a conflict.
func testRetriedAppend(t *testing.T, s application.EventStore, caps Capabilities) {
	ctx := context.Background()
	mustAppend(t, s, "r", domain.NoStream, 1)
	first := mustAppend(t, s, "r", 1, 2)
	at := first[1].Position
	for name, retry := range map[string][]domain.Envelope{"whole": retryOf(first), "prefix": retryOf(first[:1])} {
		out, err := s.Append(ctx, "r", 1, retry)
		switch {
		case !caps.IdempotentRetries && !errors.Is(err, domain.ErrConflict):
			t.Errorf("%s retry: err %v, want a conflict", name, err)
		case caps.IdempotentRetries && err != nil:
			t.Errorf("%s retry: err %v, want the stored events", name, err)
		case caps.IdempotentRetries && !reflect.DeepEqual(out, first[:len(retry)]):
			t.Errorf("%s retry answered\n%+v\nwant the stored events\n%+v", name, out, first[:len(retry)])
		}
	}
	unchanged(t, s, "r", 3, at)
	for _, e := range first {
		if got, ok, err := s.EventByID(ctx, e.ID); err != nil || !ok || !reflect.DeepEqual(got, e) {
			t.Fatalf("EventByID(%s) after the retries = %+v, %v, %v; want %+v", e.ID, got, ok, err, e)
		}
	}
}

// retryOf returns the events as their writer sent them again: the same
// ids, type and data, restamped by its clock, without what the store set.
func retryOf(stored []domain.Envelope) []domain.Envelope {
	out := make([]domain.Envelope, len(stored))
	for i, e := range stored {
		out[i] = domain.Envelope{ID: e.ID, Type: e.Type, SchemaVersion: e.SchemaVersion,
			RecordedAt: e.RecordedAt.Add(time.Second), Data: slices.Clone(e.Data)}
	}
	return out
}

func testInvalidInput(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	noID := newEvents(1)
	noID[0].ID = ""
	nul := newEvents(2)
	nul[1].Actor = "user\x00root"
	for name, call := range map[string]func() error{
		"empty stream id":  func() error { _, err := s.Append(ctx, "", domain.NoStream, newEvents(1)); return err },
		"empty event id":   func() error { _, err := s.Append(ctx, "x", domain.NoStream, noID); return err },
		"bad expected":     func() error { _, err := s.Append(ctx, "x", -2, newEvents(1)); return err },
		"NUL in stream id": func() error { _, err := s.Append(ctx, "x\x00", domain.NoStream, newEvents(1)); return err },
		"NUL in a field":   func() error { _, err := s.Append(ctx, "x", domain.NoStream, nul); return err },
	} {
		if err := call(); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: err %v, want invalid", name, err)
		}
	}
	if out, err := s.Append(ctx, "x", domain.NoStream, nil); err != nil || len(out) != 0 {
		t.Fatalf("appending no events: %v, %v; want a no-op", out, err)
	}
	unchanged(t, s, "x", 0, 0)
}

func testCancelledContext(t *testing.T, s application.EventStore) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Append(ctx, "x", domain.NoStream, newEvents(2)); !errors.Is(err, context.Canceled) {
		t.Fatalf("append with a cancelled context: err %v, want context.Canceled", err)
	}
	unchanged(t, s, "x", 0, 0)
}
