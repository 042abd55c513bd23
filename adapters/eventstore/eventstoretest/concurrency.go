package eventstoretest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// testConcurrentSameStream races writers on one stream, each looping "read
// the version, append at it, retry on conflict", as command handlers do.
// Exactly one append may win each version, and nothing may be lost.
func testConcurrentSameStream(t *testing.T, s application.EventStore) {
	const writers, each = 50, 4
	ctx, cancel := context.WithTimeout(context.Background(), 4*wait)
	defer cancel()
	var mu sync.Mutex
	wins := map[uint64]int{}
	ids := map[string]bool{}
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for landed := 0; landed < each; {
				e := domain.Envelope{ID: fmt.Sprintf("w%d-%d", w, landed), Type: "test.Raced", RecordedAt: time.Now(), Data: []byte(`{}`)}
				v, err := s.StreamVersion(ctx, "hot")
				if err == nil {
					var out []domain.Envelope
					out, err = s.Append(ctx, "hot", domain.ExpectedVersion(v), []domain.Envelope{e})
					if err == nil {
						mu.Lock()
						wins[out[0].StreamVersion]++
						ids[e.ID] = true
						mu.Unlock()
						landed++
						continue
					}
				}
				if !errors.Is(err, domain.ErrConflict) {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	const total = writers * each
	for v := uint64(1); v <= total; v++ {
		if wins[v] != 1 {
			t.Fatalf("version %d won by %d appends, want exactly 1", v, wins[v])
		}
	}
	if v, err := s.StreamVersion(ctx, "hot"); err != nil || v != total {
		t.Fatalf("final version %d (%v), want %d", v, err, total)
	}
	checkStream(t, s, "hot", ids)
}

// checkStream reads stream back and checks it holds exactly ids, with
// strictly increasing positions and an intact hash chain.
func checkStream(t *testing.T, s application.EventStore, stream string, ids map[string]bool) {
	t.Helper()
	events := readStream(t, s, stream, 0, application.Forward, 0)
	if len(events) != len(ids) {
		t.Fatalf("%s holds %d events, want %d", stream, len(events), len(ids))
	}
	for i, e := range events {
		if !ids[e.ID] {
			t.Fatalf("%s holds unexpected event %s", stream, e.ID)
		}
		if i > 0 && e.Position <= events[i-1].Position {
			t.Fatalf("%s: position %d follows %d", stream, e.Position, events[i-1].Position)
		}
	}
	if err := domain.VerifyChain("", events); err != nil {
		t.Fatalf("%s chain: %v", stream, err)
	}
}

// testConcurrentStreams appends to many streams at once while a subscriber
// follows: it must see every event once, in strictly increasing positions.
// Meanwhile the feed's head never goes back.
func testConcurrentStreams(t *testing.T, s application.EventStore) {
	const writers, each = 20, 10
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := s.Subscribe(ctx, 0)
	done := make(chan struct{})
	var heads sync.WaitGroup
	heads.Go(func() {
		var last uint64
		for {
			select {
			case <-done:
				return
			default:
			}
			h, err := s.Head(ctx)
			if err != nil || h < last {
				t.Errorf("head %d (%v) after %d: the feed went back", h, err, last)
				return
			}
			last = h
			time.Sleep(100 * time.Microsecond) // a reader, not a load test
		}
	})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for range each {
				if _, err := s.Append(ctx, fmt.Sprintf("s-%d", w), domain.AnyVersion, newEvents(1)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	heads.Wait()
	all := feedAfter(t, s, 0, writers*each)
	for i := 1; i < len(all); i++ {
		if all[i].Position <= all[i-1].Position {
			t.Fatalf("position %d follows %d", all[i].Position, all[i-1].Position)
		}
	}
	expect(t, sub, all)
}

// testConcurrentFailuresStayAtomic appends from many goroutines at once,
// every other append doomed by an already stored event id in its last
// event: however a store groups concurrent appends, the doomed ones write
// nothing and the others everything.
func testConcurrentFailuresStayAtomic(t *testing.T, s application.EventStore) {
	const appenders = 40
	ctx := context.Background()
	dup := mustAppend(t, s, "seed", domain.NoStream, 1)[0].ID
	var wg sync.WaitGroup
	for i := range appenders {
		wg.Go(func() {
			events := newEvents(3)
			if i%2 == 1 {
				events[2].ID = dup
			}
			_, err := s.Append(ctx, fmt.Sprintf("m-%d", i), domain.NoStream, events)
			if i%2 == 0 && err != nil {
				t.Errorf("append %d: %v", i, err)
			}
			if i%2 == 1 && !errors.Is(err, domain.ErrConflict) {
				t.Errorf("doomed append %d: err %v, want a conflict", i, err)
			}
		})
	}
	wg.Wait()
	for i := range appenders {
		want := uint64(3 * (1 - i%2))
		if v, err := s.StreamVersion(ctx, fmt.Sprintf("m-%d", i)); err != nil || v != want {
			t.Fatalf("stream m-%d at version %d (%v), want %d", i, v, err, want)
		}
	}
	feedAfter(t, s, 0, 1+3*appenders/2)
}
