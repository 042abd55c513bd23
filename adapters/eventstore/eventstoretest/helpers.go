package eventstoretest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// wait bounds every blocking step, so a broken store fails instead of hanging.
const wait = 5 * time.Second

var lastID atomic.Uint64

// newEvents returns n fresh events with unique ids and small JSON payloads.
func newEvents(n int) []domain.Envelope {
	out := make([]domain.Envelope, n)
	for i := range out {
		id := lastID.Add(1)
		out[i] = domain.Envelope{
			ID: fmt.Sprintf("evt-%d", id), Type: "test.Happened", SchemaVersion: 1,
			RecordedAt: time.Now(), Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, id)),
		}
	}
	return out
}

// mustAppend appends n new events and fails the test on error.
func mustAppend(t *testing.T, s application.EventStore, stream string, expected domain.ExpectedVersion, n int) []domain.Envelope {
	t.Helper()
	out, err := s.Append(context.Background(), stream, expected, newEvents(n))
	if err != nil {
		t.Fatalf("append %d to %s at %d: %v", n, stream, expected, err)
	}
	return out
}

// readStream reads a stream and fails the test on error.
func readStream(t *testing.T, s application.EventStore, stream string, from uint64, dir application.Direction, limit int) []domain.Envelope {
	t.Helper()
	out, err := s.ReadStream(context.Background(), stream, from, dir, limit)
	if err != nil {
		t.Fatalf("read %s from %d: %v", stream, from, err)
	}
	return out
}

// versions lists the stream versions of events, for compact assertions.
func versions(events []domain.Envelope) []uint64 {
	out := make([]uint64, len(events))
	for i, e := range events {
		out[i] = e.StreamVersion
	}
	return out
}

// positions lists the global positions of events.
func positions(events []domain.Envelope) []uint64 {
	out := make([]uint64, len(events))
	for i, e := range events {
		out[i] = e.Position
	}
	return out
}

// seq returns from, from+1, ..., to (or down to to, when to < from).
func seq(from, to uint64) []uint64 {
	var out []uint64
	for v := from; ; {
		out = append(out, v)
		if v == to {
			return out
		}
		if to > from {
			v++
		} else {
			v--
		}
	}
}

// wantCode checks that err is a domain error of the given kind and code.
func wantCode(t *testing.T, err error, kind domain.Kind, code string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != kind || de.Code != code {
		t.Fatalf("error = %v, want a %s error with code %q", err, kind, code)
	}
}

// feedAt waits until the feed's head is at position head (a store may
// show an append in its feed a moment after Append returned; see
// application.EventStore) and fails if it is or gets past it.
func feedAt(t *testing.T, s application.EventStore, head uint64) {
	t.Helper()
	for deadline := time.Now().Add(wait); ; time.Sleep(time.Millisecond) {
		h := headOf(t, s)
		if h > head || h < head && time.Now().After(deadline) {
			t.Fatalf("head %d, want %d", h, head)
		}
		if h == head {
			return
		}
	}
}

// feedAfter waits until the feed shows n events after position after,
// returns them, and fails if it shows more.
func feedAfter(t *testing.T, s application.EventStore, after uint64, n int) []domain.Envelope {
	t.Helper()
	for deadline := time.Now().Add(wait); ; time.Sleep(time.Millisecond) {
		got, err := s.ReadAll(context.Background(), after, 0)
		if err != nil || len(got) > n || len(got) < n && time.Now().After(deadline) {
			t.Fatalf("the feed shows %d events after %d (%v), want %d", len(got), after, err, n)
		}
		if len(got) == n {
			return got
		}
	}
}

// headOf returns the store's head position and fails the test on error.
func headOf(t *testing.T, s application.EventStore) uint64 {
	t.Helper()
	h, err := s.Head(context.Background())
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	return h
}

// wantPositions checks that events, read from the feed or appended in
// one go, have strictly increasing positions greater than after and, in
// a gapless store, exactly after+1, after+2, ...
func wantPositions(t *testing.T, caps Capabilities, what string, events []domain.Envelope, after uint64) {
	t.Helper()
	got := positions(events)
	for i, p := range got {
		if p <= after || i > 0 && p <= got[i-1] {
			t.Fatalf("%s: positions %v, want strictly increasing ones after %d", what, got, after)
		}
	}
	if caps.GaplessPositions && len(got) > 0 && !slices.Equal(got, seq(after+1, after+uint64(len(got)))) {
		t.Fatalf("%s: positions %v, want %d..%d in a gapless store", what, got, after+1, after+uint64(len(got)))
	}
}
