package postgres_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// settingsChanges is the filter settings.Service.Follow reads with.
var settingsChanges = application.FeedFilter{StreamPrefix: "settings.system-", Types: []string{"settings.Changed"}}

// followPage is Follow's page size.
const followPage = 512

// BenchmarkFollowTick is one tick of settings.Service.Follow on a busy
// store: a settings change, then n events of other streams, all read
// from before the change, as a follower behind by that much reads them.
// ReadAll is the follower before FilteredFeed (every event sent, scanned
// into an envelope and looked at); Filtered reads through
// ReadAllFiltered. Both find the one change.
func BenchmarkFollowTick(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		s, _ := benchStore(b)
		ctx := context.Background()
		change := benchEvents(1)
		change[0].Type = "settings.Changed"
		stored, err := s.Append(ctx, "settings.system-system-acme", domain.NoStream, change)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < n; i += 100 {
			if _, err := s.Append(ctx, "warehouse.item-"+strconv.Itoa(i), domain.NoStream, benchEvents(min(100, n-i))); err != nil {
				b.Fatal(err)
			}
		}
		after := stored[0].Position - 1
		for _, tick := range []struct {
			name string
			read func() (found, sent int)
		}{
			{"ReadAll", func() (int, int) { return tickReadAll(b, s, after) }},
			{"Filtered", func() (int, int) { return tickFiltered(b, s, after) }},
		} {
			b.Run(tick.name+"/n="+strconv.Itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				var sent int
				for b.Loop() {
					found, s := tick.read()
					if found != 1 {
						b.Fatalf("the tick found %d settings changes, want 1", found)
					}
					sent = s
				}
				b.ReportMetric(float64(sent), "events-sent/op")
			})
		}
	}
}

// tickReadAll is a follower's tick that reads the whole feed after after.
func tickReadAll(b *testing.B, s application.EventStore, after uint64) (found, sent int) {
	for {
		page, err := s.ReadAll(context.Background(), after, followPage)
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range page {
			if settingsChanges.Match(e) {
				found++
			}
			after = e.Position
		}
		if sent += len(page); len(page) < followPage {
			return found, sent
		}
	}
}

// tickFiltered is a follower's tick that reads the settings changes only.
func tickFiltered(b *testing.B, s application.FilteredFeed, after uint64) (found, sent int) {
	for {
		page, upTo, err := s.ReadAllFiltered(context.Background(), after, settingsChanges, followPage)
		if err != nil {
			b.Fatal(err)
		}
		found, sent, after = found+len(page), sent+len(page), upTo
		if len(page) < followPage {
			return found, sent
		}
	}
}
