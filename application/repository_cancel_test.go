package application_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestCancelledQueuedCallersAreAnsweredTruly: callers whose context ends
// while their commands wait for the stream, batched or run alone (with a
// command id), are answered what happened: every success is stored once
// and no failure is stored, so a caller that saw an error can resend; and
// the stream's lead still passes on.
func TestCancelledQueuedCallersAreAnsweredTruly(t *testing.T) {
	t.Parallel()
	store := newRacedStore(false)
	ctx := context.Background()
	seedPicky(t, store.Store)
	app := newAppOn(store, nil, pickyModule{})
	var wg sync.WaitGroup
	var succeeded atomic.Int64
	send := func(ctx context.Context, by int) {
		wg.Go(func() {
			if _, err := app.Dispatch(ctx, "picky.Add", fmt.Appendf(nil, `{"id":"a","by":%d}`, by)); err == nil {
				succeeded.Add(int64(by))
			}
		})
	}
	send(ctx, 1)
	<-store.entered // the first command holds the stream, appending
	cancelled, cancel := context.WithCancel(ctx)
	for i := range 6 {
		c := cancelled
		if i%2 == 1 {
			c = application.WithMeta(cancelled, application.Meta{CommandID: fmt.Sprintf("k-%d", i)})
		}
		send(c, 2<<i)
	}
	time.Sleep(100 * time.Millisecond) // let them queue up behind it
	cancel()
	close(store.gate)
	within(t, &wg, 5*time.Second)
	send(ctx, 100) // the stream still has a leader to hand on to
	within(t, &wg, 5*time.Second)
	if succeeded.Load() < 101 {
		t.Fatalf("callers told %d succeeded; the first and the last cannot have failed", succeeded.Load())
	}
	c := &tallied{Base: domain.NewBase("picky.c-a")}
	if err := loadCold(store, app, c); err != nil || int64(c.n) != succeeded.Load() {
		t.Fatalf("stored %d (%v), callers told %d succeeded", c.n, err, succeeded.Load())
	}
}
