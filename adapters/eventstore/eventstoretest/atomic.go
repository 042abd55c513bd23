package eventstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// unchanged checks that failed appends left both the stream and the global
// feed exactly as they were.
func unchanged(t *testing.T, s application.EventStore, stream string, version, position uint64) {
	t.Helper()
	if v, err := s.StreamVersion(context.Background(), stream); err != nil || v != version {
		t.Fatalf("%s at version %d (%v), want %d", stream, v, err, version)
	}
	if got := len(readStream(t, s, stream, 0, application.Forward, 0)); uint64(got) != version {
		t.Fatalf("%s has %d events, want %d", stream, got, version)
	}
	if h := head(t, s); h != position {
		t.Fatalf("head %d, want %d", h, position)
	}
}

func testAtomicAppend(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	mustAppend(t, s, "cart", domain.NoStream, 2)
	if _, err := s.Append(ctx, "cart", 1, newEvents(3)); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("stale multi-event append: %v", err)
	}
	unchanged(t, s, "cart", 2, 2)
	// The third event is the one that fails, after two valid ones.
	bad := newEvents(3)
	bad[2].Data = json.RawMessage(`{"broken":`)
	if _, err := s.Append(ctx, "cart", 2, bad); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("append with invalid JSON data: err %v, want invalid", err)
	}
	unchanged(t, s, "cart", 2, 2)
	mustAppend(t, s, "cart", 2, 1)
	unchanged(t, s, "cart", 3, 3)
}

func testDuplicateEventID(t *testing.T, s application.EventStore) {
	ctx := context.Background()
	first := mustAppend(t, s, "a", domain.NoStream, 1)
	again := newEvents(3)
	again[2].ID = first[0].ID
	for _, stream := range []string{"a", "b"} {
		_, err := s.Append(ctx, stream, domain.AnyVersion, again)
		if !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("duplicate id on stream %s: err %v, want a conflict", stream, err)
		}
		wantCode(t, err, domain.KindConflict, "duplicate_event")
	}
	twice := newEvents(2)
	twice[1].ID = twice[0].ID
	_, err := s.Append(ctx, "b", domain.NoStream, twice)
	wantCode(t, err, domain.KindConflict, "duplicate_event")
	unchanged(t, s, "a", 1, 1)
	unchanged(t, s, "b", 0, 1)
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
