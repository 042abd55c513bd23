package projections_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

// TestWaitForAPosition: WaitFor returns once the projection has applied
// the position, gives up when its context ends, and refuses an unknown
// projection.
func TestWaitForAPosition(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{FlushInterval: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); f.rt.Wait() }()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.appendTicks(t, 20)
	head, _ := f.events.Head(ctx)
	wait, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	if err := f.rt.WaitFor(wait, []string{"test.tally"}, head); err != nil {
		t.Fatal(err)
	}
	if got := f.count(t); got != 20 {
		t.Fatalf("after WaitFor the read model counts %d, want 20", got)
	}
	short, stop2 := context.WithTimeout(ctx, 50*time.Millisecond)
	defer stop2()
	if err := f.rt.WaitFor(short, []string{"test.tally"}, head+1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting for a position never written: %v", err)
	}
	if err := f.rt.WaitFor(ctx, []string{"nope"}, 1); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("unknown projection: %v", err)
	}
}
