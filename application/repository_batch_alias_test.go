package application_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestABatchStoresEachCommandsEventsAsDecided: in a batch, a command
// whose Apply edits state that an earlier command's event shares (legal:
// tally's bumped edits the listed event's slice) must not change what
// that earlier event stores; the stream replays to the state the
// commands meant.
func TestABatchStoresEachCommandsEventsAsDecided(t *testing.T) {
	t.Parallel()
	store := newRacedStore(false)
	ctx := context.Background()
	appendFirst(t, store.Store, "tally.t-a", "seed", "tally.Listed", `{"items":[]}`)
	var repo *application.Repository
	app := newAppOn(store, nil, tallyModule{newTally: func(id string) domain.Aggregate { return &tally{Base: domain.NewBase("tally.t-" + id)} }, repo: &repo})
	var wg sync.WaitGroup
	send := func(cmd, body string) {
		wg.Go(func() {
			if _, err := app.Dispatch(ctx, cmd, []byte(body)); err != nil {
				t.Error(err)
			}
		})
		time.Sleep(50 * time.Millisecond) // queued in this order
	}
	send("tally.Bump", `{"id":"a","at":0}`)
	<-store.entered // the first command holds the stream, appending
	send("tally.List", `{"id":"a","items":[0,0],"at":0}`)
	send("tally.Bump", `{"id":"a","at":0}`)
	close(store.gate)
	within(t, &wg, 5*time.Second)
	got := &tally{Base: domain.NewBase("tally.t-a")}
	if err := loadCold(store, app, got); err != nil || !reflect.DeepEqual(got.items, []int{1, 0}) {
		t.Fatalf("stream replays to %v (%v), want [1 0]: listed [0 0], then bumped at 0", got.items, err)
	}
}
