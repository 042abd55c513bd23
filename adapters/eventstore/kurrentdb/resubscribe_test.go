package kurrentdb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb"
	"github.com/webos-engine/webos/adapters/eventstore/kurrentdb/kurrentdbtest"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func event(id string) domain.Envelope {
	return domain.Envelope{ID: id, Type: "test.Happened", SchemaVersion: 1, RecordedAt: time.Now(), Data: []byte(`{}`)}
}

// appendSoon appends one event, retrying while the server comes back (the
// client needs a moment, or a new connection, after a restart).
func appendSoon(t *testing.T, s *kurrentdb.Store, stream, id string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.Append(context.Background(), stream, domain.AnyVersion, []domain.Envelope{event(id)})
		if err == nil {
			return
		}
		if errors.Is(err, domain.ErrConflict) || time.Now().After(deadline) {
			t.Fatalf("append %s: %v", id, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// collect reads the subscription into a slice until stop is closed.
func collect(sub application.Subscription) (func() []domain.Envelope, func(n int, timeout time.Duration) bool) {
	var mu sync.Mutex
	var got []domain.Envelope
	go func() {
		for e := range sub.Events() {
			mu.Lock()
			got = append(got, e)
			mu.Unlock()
		}
	}()
	snapshot := func() []domain.Envelope {
		mu.Lock()
		defer mu.Unlock()
		return append([]domain.Envelope(nil), got...)
	}
	waitFor := func(n int, timeout time.Duration) bool {
		for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			if len(snapshot()) >= n {
				return true
			}
		}
		return false
	}
	return snapshot, waitFor
}

// TestResubscribeAfterRestart stops the server under a live subscription,
// twice: once briefly, once long enough for the client to give up on its
// connection (so the store must make a new one). Events are written while
// the subscription is away (by a second store, like another process) and
// after it is back. The subscriber must see exactly the feed: every event
// once, in position order.
func TestResubscribeAfterRestart(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	writer := openIn(t, srv.URL())
	defer func() { _ = writer.Close() }()
	logged := &logLines{}
	reader, err := kurrentdb.Open(context.Background(), srv.URL()+"&namespace="+writer.Namespace(),
		kurrentdb.Options{Logger: slog.New(logged)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = reader.Close() }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := reader.Subscribe(ctx, 0)
	got, waitFor := collect(sub)
	n := 0
	write := func(k int) {
		for range k {
			n++
			appendSoon(t, writer, fmt.Sprintf("s-%d", n%3), fmt.Sprintf("e-%d", n))
		}
	}
	write(5)
	if !waitFor(5, 5*time.Second) {
		t.Fatalf("before the restarts: got %d of 5 events", len(got()))
	}
	for _, down := range []time.Duration{50 * time.Millisecond, 2500 * time.Millisecond} {
		srv.Stop()
		time.Sleep(down)
		if err := srv.Restart(); err != nil {
			t.Fatal(err)
		}
		write(5) // while the subscription is still away or catching up
		write(5) // and live
	}
	if !waitFor(n, 15*time.Second) {
		t.Fatalf("after the restarts: got %d of %d events", len(got()), n)
	}
	time.Sleep(100 * time.Millisecond) // a duplicate would arrive now
	want, err := reader.ReadAll(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	have := got()
	if len(have) != len(want) || len(want) != n {
		t.Fatalf("subscriber saw %d events, the feed holds %d, %d were written", len(have), len(want), n)
	}
	for i := range want {
		if have[i].ID != want[i].ID || have[i].Position != want[i].Position {
			t.Fatalf("event %d: saw %s at %d, feed has %s at %d", i, have[i].ID, have[i].Position, want[i].ID, want[i].Position)
		}
	}
	cancel()
	for range sub.Events() {
	}
	if err := sub.Err(); err != nil {
		t.Fatalf("Err after cancel = %v", err)
	}
	for _, msg := range []string{"kurrentdb: subscription dropped; subscribing again", "kurrentdb: the client gave up on its connection; using a new one"} {
		if logged.count(msg) == 0 {
			t.Errorf("the restarts never logged %q: the test did not exercise that path", msg)
		}
	}
}

// logLines counts the store's warnings by message.
type logLines struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logLines) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelWarn }
func (l *logLines) WithAttrs([]slog.Attr) slog.Handler               { return l }
func (l *logLines) WithGroup(string) slog.Handler                    { return l }
func (l *logLines) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}

func (l *logLines) count(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, m := range l.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

// TestOpenUnreachable checks that Open fails fast, with the address, when
// nothing listens.
func TestOpenUnreachable(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	url := srv.URL()
	srv.Stop()
	start := time.Now()
	_, err := kurrentdb.Open(context.Background(), url, kurrentdb.Options{DialTimeout: 2 * time.Second})
	if err == nil {
		t.Fatal("Open of a stopped server succeeded")
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Fatalf("Open took %s to fail", took)
	}
	t.Logf("Open: %v", err)
}

// TestAnyVersionRace has writers race on one stream without expected
// versions: the adapter re-reads and retries, so every event lands and
// the chain stays whole.
func TestAnyVersionRace(t *testing.T) {
	srv := kurrentdbtest.Start(t)
	s := openIn(t, srv.URL())
	defer func() { _ = s.Close() }()
	const writers, each = 8, 5
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := s.Append(context.Background(), "hot", domain.AnyVersion, []domain.Envelope{event(fmt.Sprintf("w%d-%d", w, i))}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	evs, err := s.ReadStream(context.Background(), "hot", 0, application.Forward, 0)
	if err != nil || len(evs) != writers*each {
		t.Fatalf("stream holds %d events (%v), want %d", len(evs), err, writers*each)
	}
	if err := domain.VerifyChain("", evs); err != nil {
		t.Fatal(err)
	}
}
