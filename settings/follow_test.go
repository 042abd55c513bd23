package settings_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/settings"
)

// readPast signals past when the feed is read after head: everything up
// to head was read and handled.
type readPast struct {
	application.EventStore
	head uint64
	past chan struct{}
}

func (r readPast) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	if after >= r.head {
		select {
		case r.past <- struct{}{}:
		default:
		}
	}
	return r.EventStore.ReadAll(ctx, after, limit)
}

// TestFollowTellsEachChangeOnceInOrder: the changes made through the
// service are told at once; when Follow then reads them in the feed, it
// tells none again, nor an older version after a newer one.
func TestFollowTellsEachChangeOnceInOrder(t *testing.T) {
	f := newFixture(t, key(0))
	var mu sync.Mutex
	var told []uint64
	f.svc.Watch(settings.CoreModule, func(d settings.Document) {
		mu.Lock()
		told = append(told, d.Version)
		mu.Unlock()
	})
	for port := 2525; port < 2528; port++ {
		if _, err := f.svc.Put(admin, settings.System, settings.CoreModule, fmt.Appendf(nil, `{"smtp":{"port":%d}}`, port)); err != nil {
			t.Fatal(err)
		}
	}
	head, err := f.engine.Events.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	feed := readPast{EventStore: f.engine.Events, head: head, past: make(chan struct{}, 1)}
	done := f.svc.Follow(ctx, feed, 0, time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	select {
	case <-feed.past:
	case <-time.After(5 * time.Second):
		t.Fatal("Follow never read the feed past the changes")
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(told, []uint64{1, 2, 3}) {
		t.Fatalf("told versions %v, want [1 2 3] once each", told)
	}
}
