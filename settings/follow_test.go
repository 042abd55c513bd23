package settings_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
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

// filteringFeed is an event store that filters its feed
// (application.FilteredFeed), counting the events each kind of read sent.
type filteringFeed struct {
	*memory.Store
	all, selected atomic.Int64
}

func (f *filteringFeed) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	events, err := f.Store.ReadAll(ctx, after, limit)
	f.all.Add(int64(len(events)))
	return events, err
}

func (f *filteringFeed) ReadAllFiltered(ctx context.Context, after uint64, filter application.FeedFilter, limit int) ([]domain.Envelope, uint64, error) {
	events, upTo, err := f.Store.ReadAllFiltered(ctx, after, filter, limit)
	f.selected.Add(int64(len(events)))
	return events, upTo, err
}

// TestFollowReadsOnlySettingsChanges: on a store that filters its feed,
// Follow is sent the settings change another process made and none of
// the thousand other events around it.
func TestFollowReadsOnlySettingsChanges(t *testing.T) {
	f := newFixture(t, key(0))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	told := make(chan settings.Document, 1)
	f.svc.Watch(settings.CoreModule, func(d settings.Document) { told <- d })
	feed := &filteringFeed{Store: f.engine.Events}
	head, err := feed.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := f.svc.Follow(ctx, feed, head, time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer func() { cancel(); <-done }()
	noise := func(batch int) {
		for b := range 5 {
			events := make([]domain.Envelope, 100)
			for i := range events {
				events[i] = domain.Envelope{ID: fmt.Sprintf("noise-%d-%d-%d", batch, b, i), Type: "warehouse.StockReceived", RecordedAt: time.Now(), Data: []byte(`{}`)}
			}
			if _, err := feed.Append(ctx, "warehouse.item-1", domain.AnyVersion, events); err != nil {
				t.Fatal(err)
			}
		}
	}
	noise(1)
	data, err := json.Marshal(settings.Changed{Scope: settings.System, Module: settings.CoreModule, Owner: settings.DefaultTenant,
		Values: map[string]any{"smtp": map[string]any{"port": 2600}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := feed.Append(ctx, "settings.system-"+settings.CoreModule+"-"+settings.DefaultTenant, domain.AnyVersion,
		[]domain.Envelope{{ID: "changed-elsewhere", Type: "settings.Changed", RecordedAt: time.Now(), Data: data}}); err != nil {
		t.Fatal(err)
	}
	noise(2)
	select {
	case d := <-told:
		if d.Owner != settings.DefaultTenant || d.Version != 1 {
			t.Fatalf("told of %s's version %d, want the default tenant's version 1", d.Owner, d.Version)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Follow did not tell of the other process's change")
	}
	if all, selected := feed.all.Load(), feed.selected.Load(); all != 0 || selected != 1 {
		t.Fatalf("Follow was sent %d events of the whole feed and %d selected ones, want 0 and 1", all, selected)
	}
}
