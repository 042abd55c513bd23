package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// sickDisk fails the first reads made through its transactions, as a
// read-model store does while its disk errors.
type sickDisk struct {
	*rmmemory.Store
	fails atomic.Int64
}

func (s *sickDisk) Apply(ctx context.Context, projection string, at application.Checkpoint, fn func(application.ReadModelTx) error) error {
	return s.Store.Apply(ctx, projection, at, func(tx application.ReadModelTx) error {
		return fn(sickTx{ReadModelTx: tx, s: s})
	})
}

type sickTx struct {
	application.ReadModelTx
	s *sickDisk
}

func (t sickTx) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	if t.s.fails.Add(-1) >= 0 {
		return nil, errors.New("disk I/O error")
	}
	return t.ReadModelTx.Get(ctx, collection, id)
}

// A store failure met by a handler (a read of the read model) is the
// store's, not the event's: the projection keeps retrying it as such and
// does not stop at the event, which an operator would then be told to skip.
func TestStoreFailureInAHandlerIsRetried(t *testing.T) {
	t.Parallel()
	var disk *sickDisk
	f := newWrappedFixture(t, tallyProjection(nil),
		projections.Options{FlushInterval: time.Millisecond, MaxBackoff: time.Millisecond, MaxAttempts: 2},
		func(s *rmmemory.Store) application.ReadModelStore {
			disk = &sickDisk{Store: s}
			disk.fails.Store(4)
			return disk
		})
	f.appendTicks(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	if got := f.count(t); got != 3 {
		t.Fatalf("count %d, want 3", got)
	}
	for _, r := range f.logs.Records("projection failed") {
		if r["code"] != projections.CodeStore {
			t.Fatalf("a store failure reported as %v", r)
		}
	}
}
