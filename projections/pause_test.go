package projections_test

import (
	"context"
	"testing"
	"time"

	"github.com/webos-engine/webos/projections"
)

// TestAPausedProjectionResumesFromItsCheckpoint pauses a live
// projection, appends events it must not apply while paused (nor at
// CatchUp), then resumes it: it applies exactly those, once.
func TestAPausedProjectionResumesFromItsCheckpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{BatchSize: 16, FlushInterval: time.Millisecond})
	f.appendTicks(t, 30)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	f.rt.SetPaused([]string{"test.tally"})
	if st := f.rt.Status(ctx)[0]; st.State != projections.Paused {
		t.Fatalf("state after a pause: %s", st.State)
	}
	f.appendTicks(t, 20)
	if err := f.rt.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if got := f.count(t); got != 30 {
		t.Fatalf("a paused projection applied events: count %d, want 30", got)
	}
	if st := f.rt.Status(ctx)[0]; st.State != projections.Paused || st.Lag == 0 {
		t.Fatalf("paused: %+v", st)
	}
	f.rt.SetPaused(nil)
	f.waitLive(t)
	if got := f.count(t); got != 50 {
		t.Fatalf("count %d after resuming, want exactly 50", got)
	}
	cancel()
	f.rt.Wait()
}

// TestAProjectionPausedBeforeStartStaysPaused pauses before Start, then
// resumes after it.
func TestAProjectionPausedBeforeStartStaysPaused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{BatchSize: 16, FlushInterval: time.Millisecond})
	f.appendTicks(t, 10)
	f.rt.SetPaused([]string{"test.tally"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if st := f.rt.Status(ctx)[0]; st.State != projections.Paused || st.Checkpoint != 0 {
		t.Fatalf("paused before start: %+v", st)
	}
	f.rt.SetPaused(nil)
	f.waitLive(t)
	if got := f.count(t); got != 10 {
		t.Fatalf("count %d, want 10", got)
	}
	cancel()
	f.rt.Wait()
}
