package eventstoretest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// The suite reads the filtered feed through application.ReadFiltered: a
// store's own FilteredFeed when it has one, the generic reading of the
// feed otherwise. Both keep the one contract of application.FilteredFeed.

// settingsLike selects what settings.Service.Follow reads: two types of
// the streams of one prefix.
var settingsLike = application.FeedFilter{StreamPrefix: "conf.sys-", Types: []string{"test.Changed", "test.Reset"}}

// appendTyped appends one new event of each type to stream.
func appendTyped(t *testing.T, s application.EventStore, stream string, expected domain.ExpectedVersion, types ...string) []domain.Envelope {
	t.Helper()
	out, err := s.Append(context.Background(), stream, expected, typedEvents(types...))
	if err != nil {
		t.Fatalf("append to %s: %v", stream, err)
	}
	return out
}

// typedEvents returns one new event of each type.
func typedEvents(types ...string) []domain.Envelope {
	events := newEvents(len(types))
	for i := range events {
		events[i].Type = types[i]
	}
	return events
}

// readFiltered reads the filtered feed once, checks what the contract
// says of one answer, and returns it.
func readFiltered(t *testing.T, s application.EventStore, after uint64, f application.FeedFilter, limit int) ([]domain.Envelope, uint64) {
	t.Helper()
	got, upTo, err := application.ReadFiltered(context.Background(), s, after, f, limit)
	if err != nil {
		t.Fatalf("ReadFiltered(%d, %+v, %d): %v", after, f, limit, err)
	}
	if upTo < after || limit > 0 && len(got) > limit {
		t.Fatalf("ReadFiltered(%d, %+v, %d): %d events, read up to %d", after, f, limit, len(got), upTo)
	}
	for i, e := range got {
		if !f.Match(e) || e.Position <= after || e.Position > upTo || i > 0 && e.Position <= got[i-1].Position {
			t.Fatalf("ReadFiltered(%d, %+v, %d) returned %s of %s (%s) at %d, read up to %d: not selected, out of order or out of range",
				after, f, limit, e.ID, e.StreamID, e.Type, e.Position, upTo)
		}
	}
	if limit > 0 && len(got) == limit && upTo != got[limit-1].Position {
		t.Fatalf("ReadFiltered(%d, %+v, %d): a full answer read up to %d, past its last event at %d", after, f, limit, upTo, got[limit-1].Position)
	}
	return got, upTo
}

// selected is what f selects of feed, in order.
func selected(feed []domain.Envelope, f application.FeedFilter) []domain.Envelope {
	var out []domain.Envelope
	for _, e := range feed {
		if f.Match(e) {
			out = append(out, e)
		}
	}
	return out
}

// drainFiltered reads the filtered feed from after in answers of limit
// events until one is short, and returns all it read and the position
// read up to.
func drainFiltered(t *testing.T, s application.EventStore, after uint64, f application.FeedFilter, limit int) ([]domain.Envelope, uint64) {
	t.Helper()
	var all []domain.Envelope
	for {
		got, upTo := readFiltered(t, s, after, f, limit)
		all, after = append(all, got...), upTo
		if limit <= 0 || len(got) < limit {
			return all, after
		}
	}
}

// wantSame checks that got holds exactly the events of want, in order.
func wantSame(t *testing.T, what string, got, want []domain.Envelope) {
	t.Helper()
	if !slices.Equal(ids(got), ids(want)) || !slices.Equal(positions(got), positions(want)) {
		t.Fatalf("%s: %v at %v, want %v at %v", what, ids(got), positions(got), ids(want), positions(want))
	}
}

// testFilteredFeed: a filtered read returns exactly the selected events
// of the feed, in order, in answers of at most limit; its position read
// up to passes the events it did not select, so reading on from it finds
// the next selected event and nothing read before.
func testFilteredFeed(t *testing.T, s application.EventStore) {
	if got, _ := readFiltered(t, s, 0, settingsLike, 0); len(got) != 0 {
		t.Fatalf("an empty store's filtered feed holds %d events", len(got))
	}
	appendTyped(t, s, "conf.sys-a", domain.NoStream, "test.Changed", "test.Happened", "test.Reset")
	appendTyped(t, s, "conf.user-b", domain.NoStream, "test.Changed")
	appendTyped(t, s, "other", domain.NoStream, "test.Changed", "test.Changed")
	appendTyped(t, s, "conf.sys-d", domain.NoStream, "test.Changed")
	feed := feedAfter(t, s, 0, 7)
	last := feed[len(feed)-1].Position
	for _, f := range []application.FeedFilter{settingsLike, {StreamPrefix: "conf."}, {Types: []string{"test.Changed"}}, {}, {StreamPrefix: "none"}} {
		want := selected(feed, f)
		for _, limit := range []int{0, 1, 2, 100} {
			got, upTo := drainFiltered(t, s, 0, f, limit)
			wantSame(t, fmt.Sprintf("filter %+v, limit %d", f, limit), got, want)
			if upTo < last {
				t.Fatalf("filter %+v, limit %d: read up to %d, short of the feed's last event at %d", f, limit, upTo, last)
			}
		}
		// From inside the feed, and from between two positions.
		got, _ := drainFiltered(t, s, feed[2].Position, f, 0)
		wantSame(t, fmt.Sprintf("filter %+v after %d", f, feed[2].Position), got, selected(feed[3:], f))
		got, _ = drainFiltered(t, s, feed[3].Position-1, f, 0)
		wantSame(t, fmt.Sprintf("filter %+v after %d", f, feed[3].Position-1), got, selected(feed[3:], f))
	}

	// Events not selected move the position read up to past them.
	_, upTo := readFiltered(t, s, 0, settingsLike, 0)
	appendTyped(t, s, "other", 2, "test.Changed", "test.Changed", "test.Changed")
	appendTyped(t, s, "conf.sys-a", 3, "test.Happened")
	noise := feedAfter(t, s, last, 4)
	got, past := readFiltered(t, s, upTo, settingsLike, 10)
	if len(got) != 0 || past < noise[3].Position {
		t.Fatalf("over unselected events: %d events, read up to %d; want none, up to at least %d", len(got), past, noise[3].Position)
	}
	next := appendTyped(t, s, "conf.sys-d", 1, "test.Reset")
	feedAfter(t, s, noise[3].Position, 1)
	got, upTo = readFiltered(t, s, past, settingsLike, 10)
	wantSame(t, "the next selected event", got, next)
	if got, _ := readFiltered(t, s, upTo, settingsLike, 10); len(got) != 0 {
		t.Fatalf("read again from %d: %d events, want none", upTo, len(got))
	}
}

// testFilteredFeedConcurrent follows the filtered feed in small answers
// while many writers append selected and unselected events at once: the
// reader, going on each time from the position read up to, must see every
// selected event once, in order, however the appends commit.
func testFilteredFeedConcurrent(t *testing.T, s application.EventStore) {
	const writers, each, limit = 8, 16, 3
	done := make(chan struct{})
	var seen []domain.Envelope
	var after uint64
	var reader sync.WaitGroup
	reader.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			got, upTo, err := application.ReadFiltered(context.Background(), s, after, settingsLike, limit)
			if err != nil || upTo < after {
				t.Errorf("ReadFiltered(%d): read up to %d, %v", after, upTo, err)
				return
			}
			seen, after = append(seen, got...), upTo
			time.Sleep(200 * time.Microsecond) // a follower, not a load test
		}
	})
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				stream := fmt.Sprintf("conf.sys-%d", w)
				if i%2 == 1 {
					stream = fmt.Sprintf("noise-%d", w)
				}
				types := []string{"test.Changed", "test.Happened", "test.Reset"}[:1+i%3]
				if _, err := s.Append(context.Background(), stream, domain.AnyVersion, typedEvents(types...)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	reader.Wait()
	total := 0
	for i := range each {
		total += writers * (1 + i%3)
	}
	feed := feedAfter(t, s, 0, total)
	rest, _ := drainFiltered(t, s, after, settingsLike, limit)
	wantSame(t, "the concurrent reader's events", append(seen, rest...), selected(feed, settingsLike))
}
