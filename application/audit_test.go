package application_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// tampered serves a real store's events with edits, as a store whose rows
// were altered behind the engine's back would.
type tampered struct {
	application.EventStore
	feed   func([]domain.Envelope) []domain.Envelope
	stream func([]domain.Envelope) []domain.Envelope
}

func (t tampered) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	out, err := t.EventStore.ReadAll(ctx, after, limit)
	if t.feed != nil && err == nil {
		out = t.feed(out)
	}
	return out, err
}

func (t tampered) ReadStream(ctx context.Context, id string, from uint64, dir application.Direction, limit int) ([]domain.Envelope, error) {
	out, err := t.EventStore.ReadStream(ctx, id, from, dir, limit)
	if t.stream != nil && err == nil {
		out = t.stream(out)
	}
	return out, err
}

// auditedStore holds 3 streams of 2 events each, interleaved in the feed.
func auditedStore(t *testing.T) application.EventStore {
	t.Helper()
	s := memory.New()
	t.Cleanup(func() { _ = s.Close() })
	for round := range 2 {
		for _, id := range []string{"a", "b", "c"} {
			e := domain.Envelope{ID: fmt.Sprintf("%s-%d", id, round), Type: "t.Done", Data: json.RawMessage(`{"n":1}`)}
			if _, err := s.Append(context.Background(), id, domain.AnyVersion, []domain.Envelope{e}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

func TestVerifyStore(t *testing.T) {
	t.Parallel()
	s := auditedStore(t)
	r, err := application.VerifyStore(context.Background(), s)
	if err != nil || r.Streams != 3 || r.Events != 6 || r.Head != 6 || r.Schemes[domain.HashV2] != 6 {
		t.Fatalf("got %+v, %v", r, err)
	}
	r, err = application.VerifyStream(context.Background(), s, "b")
	if err != nil || r.Streams != 1 || r.Events != 2 || r.Head != 5 {
		t.Fatalf("one stream: %+v, %v", r, err)
	}
}

func TestVerifyStoreNamesTheFirstBreak(t *testing.T) {
	t.Parallel()
	edit := func(pos uint64, f func(e *domain.Envelope)) func([]domain.Envelope) []domain.Envelope {
		return func(evs []domain.Envelope) []domain.Envelope {
			for i := range evs {
				if evs[i].Position == pos {
					f(&evs[i])
				}
			}
			return evs
		}
	}
	drop := func(pos uint64) func([]domain.Envelope) []domain.Envelope {
		return func(evs []domain.Envelope) []domain.Envelope {
			out := evs[:0]
			for _, e := range evs {
				if e.Position != pos {
					out = append(out, e)
				}
			}
			return out
		}
	}
	cases := []struct {
		name  string
		store tampered
		want  string
	}{
		{"altered data", tampered{feed: edit(5, func(e *domain.Envelope) { e.Data = json.RawMessage(`{"n":2}`) })},
			"stream b version 2 position 5: hash mismatch"},
		{"feed out of order", tampered{feed: func(evs []domain.Envelope) []domain.Envelope {
			evs[3], evs[4] = evs[4], evs[3]
			return evs
		}}, "stream a version 2 position 4: position does not follow 5"},
		{"event missing from the feed", tampered{feed: drop(2)}, "stream b version 2 position 5: the feed skips"},
		{"event missing from its stream", tampered{stream: drop(6)}, "stream c version 1 position 0: reading the stream gives 1 events"},
		{"stream and feed disagree on a position", tampered{stream: edit(1, func(e *domain.Envelope) { e.Position = 9 })},
			"stream a version 1 position 9: reading the stream gives version 1 at position 9, the feed version 1 at position 1"},
	}
	for _, tc := range cases {
		tc.store.EventStore = auditedStore(t)
		_, err := application.VerifyStore(context.Background(), tc.store)
		var b *application.AuditBreak
		if !errors.As(err, &b) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
