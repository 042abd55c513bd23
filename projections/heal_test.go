package projections_test

import (
	"context"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

// plant stores a tally of 999 under cp, as if the projection had applied
// a history that cp describes.
func (f *fixture) plant(t *testing.T, cp application.Checkpoint) {
	t.Helper()
	ctx := context.Background()
	if err := f.rt.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	err := f.models.Apply(ctx, "test.tally", cp, func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, "tally", "t", map[string]any{"count": 999, application.TenantField: application.DefaultTenant})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A projection whose checkpoint does not describe the event store's
// history is rebuilt from scratch at start, with a warning saying why;
// one whose checkpoint does is resumed.
func TestDivergedCheckpointsAreRebuilt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := func(f *fixture, pos uint64) domain.Envelope {
		evs, err := f.events.ReadAll(ctx, pos-1, 1)
		if err != nil || len(evs) != 1 || evs[0].Position != pos {
			t.Fatalf("read position %d: %v", pos, err)
		}
		return evs[0]
	}
	// The fifth event (positions have gaps: see newFixture).
	fifth := func(f *fixture) domain.Envelope { return f.nth(t, 5) }
	for name, tc := range map[string]struct {
		checkpoint func(f *fixture, id string) application.Checkpoint
		reason     string // "" when the checkpoint matches
	}{
		"matching": {func(f *fixture, id string) application.Checkpoint {
			return application.Checkpoint{StoreID: id, Position: fifth(f).Position, Hash: fifth(f).Hash}
		}, ""},
		"another store": {func(f *fixture, _ string) application.Checkpoint {
			return application.Checkpoint{StoreID: "another", Position: fifth(f).Position, Hash: fifth(f).Hash}
		}, "another event store"},
		"no store id": {func(f *fixture, _ string) application.Checkpoint {
			return application.Checkpoint{Position: fifth(f).Position, Hash: fifth(f).Hash}
		}, "without an event store id"},
		"past the head": {func(f *fixture, id string) application.Checkpoint {
			head, _ := f.events.Head(ctx)
			return application.Checkpoint{StoreID: id, Position: head + 1, Hash: "h"}
		}, "past the event store's head"},
		"replaced event": {func(f *fixture, id string) application.Checkpoint {
			return application.Checkpoint{StoreID: id, Position: fifth(f).Position, Hash: "not-the-hash"}
		}, "is not the one it applied"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tallyProjection(nil), projections.Options{})
			f.appendTicks(t, 30)
			id, err := f.events.StoreID(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// Events 1-5 hold 4 ticks (the feed interleaves other events);
			// resuming after the fifth adds the other 26 to the planted 999.
			f.plant(t, tc.checkpoint(f, id))
			if err := f.rt.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			warnings := f.logs.Records("projection does not match the event store; rebuilding it")
			if tc.reason == "" {
				if got := f.count(t); got != 999+26 || len(warnings) != 0 {
					t.Fatalf("count %d, warnings %v; want the projection resumed (1025, none)", got, warnings)
				}
				return
			}
			if got := f.count(t); got != 30 {
				t.Fatalf("count %d, want 30: the projection was not rebuilt", got)
			}
			if len(warnings) != 1 || !strings.Contains(warnings[0]["reason"].(string), tc.reason) {
				t.Fatalf("warnings %v, want one naming %q", warnings, tc.reason)
			}
			cp, err := f.models.Checkpoint(ctx, "test.tally")
			head, _ := f.events.Head(ctx)
			if err != nil || cp.StoreID != id || cp.Position != head || cp.Hash != at(f, head).Hash {
				t.Fatalf("checkpoint after rebuild %+v (%v), want store %s at head %d", cp, err, id, head)
			}
		})
	}
}

// A diverged projection is reset before Start returns, so a server that
// starts serving views right after it never shows the stale read model,
// however late the projection's goroutine gets to run.
func TestStartResetsADivergedProjectionBeforeReturning(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	f := newFixture(t, tallyProjection(nil), projections.Options{})
	f.appendTicks(t, 3)
	f.plant(t, application.Checkpoint{StoreID: "another", Position: 1, Hash: "h"})
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	raw, _ := f.models.Get(ctx, "tally", "t") // not found is fine: reset, not yet applied
	cancel()
	f.rt.Wait()
	if strings.Contains(string(raw), "999") {
		t.Fatalf("right after Start the read model still holds %s: the diverged projection was not reset", raw)
	}
	if w := f.logs.Records("projection does not match the event store; rebuilding it"); len(w) != 1 {
		t.Fatalf("warnings %v, want exactly one", w)
	}
}
