package projections_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

// An operator's recorded skip lets a failed projection resume after the
// event it cannot apply; the record is an event in the feed that
// projections pass over.
func TestSkipResumesAFailedProjection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := projections.Options{FlushInterval: time.Millisecond, MaxBackoff: time.Millisecond, MaxAttempts: 2}
	f := newFixture(t, tallyProjection(nil), opts)
	f.appendTicks(t, 5)
	bad, err := f.events.Append(ctx, "s-bad", domain.NoStream,
		[]domain.Envelope{{ID: "bad", Type: "test.Ticked", SchemaVersion: 1, Data: []byte(`{"n":"x"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	f.appendTicks(t, 5)
	run, cancel := context.WithCancel(ctx)
	if err := f.rt.Start(run); err != nil {
		t.Fatal(err)
	}
	pos := waitState(t, f.rt, "test.tally", projections.Failed).Position
	cancel()
	f.rt.Wait()
	head, _ := f.events.Head(ctx)
	other := f.nth(t, 2) // appendTicks's first test.Other event
	if other.Type != "test.Other" {
		t.Fatalf("event 2 is a %s", other.Type)
	}

	for name, tc := range map[string]struct {
		projection string
		position   uint64
		kind       domain.Kind
	}{
		"unknown projection": {"nope", pos, domain.KindNotFound},
		"no such position":   {"test.tally", head + 1, domain.KindInvalid},
		"in a gap":           {"test.tally", other.Position - 1, domain.KindInvalid},
		"position 0":         {"test.tally", 0, domain.KindInvalid},
		"not handled":        {"test.tally", other.Position, domain.KindRejected},
	} {
		if _, err := f.rt.Skip(ctx, tc.projection, tc.position, "op", "", "id-"+name); domain.KindOf(err) != tc.kind {
			t.Errorf("%s: Skip = %v, want kind %v", name, err, tc.kind)
		}
	}
	rec, err := f.rt.Skip(ctx, "test.tally", pos, "operator", "bad data from an import", "skip-1")
	if err != nil || rec.StreamID != projections.SkipStream || rec.Type != projections.SkipType || rec.Actor != "operator" {
		t.Fatalf("Skip = %+v, %v", rec, err)
	}
	if pos != bad[0].Position {
		t.Fatalf("failed at %d, the bad event is at %d", pos, bad[0].Position)
	}

	rt := projections.New(f.events, f.models, registry(t), []*application.Projection{tallyProjection(nil)},
		slog.New(slog.NewJSONHandler(f.logs, nil)), opts)
	run, cancel = context.WithCancel(ctx)
	defer cancel()
	if err := rt.Start(run); err != nil {
		t.Fatal(err)
	}
	st := waitState(t, rt, "test.tally", projections.Live)
	if st.Lag != 0 || st.Checkpoint != rec.Position || f.count(t) != 10 {
		t.Fatalf("after the skip: %+v, count %d; want every other tick applied, up to the skip record", st, f.count(t))
	}
	if n := len(f.logs.Records("projection skips an event, as an operator recorded")); n != 1 {
		t.Fatalf("%d skips logged, want 1", n)
	}
	if _, err := rt.Skip(ctx, "test.tally", pos, "operator", "", "skip-2"); domain.KindOf(err) != domain.KindRejected {
		t.Fatalf("skipping an event already passed: %v", err)
	}
}

func registry(t *testing.T) *domain.EventRegistry {
	t.Helper()
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[ticked](reg, 1); err != nil {
		t.Fatal(err)
	}
	return reg
}
