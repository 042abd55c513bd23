package projections_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

type ticked struct {
	N int `json:"n"`
}

func (ticked) EventType() string { return "test.Ticked" }

var tally = application.CollectionSpec{Name: "tally", Fields: []application.FieldSpec{{Name: "count", Type: application.Number}}}

// tallyProjection counts ticks in one document: applying an event twice
// or losing one shows in the count. failures makes the first calls fail.
func tallyProjection(failures *atomic.Int64) *application.Projection {
	p := application.NewProjection("test.tally", tally)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e ticked) error {
		if failures != nil && failures.Add(-1) >= 0 {
			return errors.New("transient failure")
		}
		var doc struct {
			Count int `json:"count"`
		}
		if raw, err := tx.Get(ctx, "tally", "t"); err == nil {
			_ = json.Unmarshal(raw, &doc)
		} else if domain.KindOf(err) != domain.KindNotFound {
			return err
		}
		doc.Count++
		return tx.Upsert(ctx, "tally", "t", doc)
	})
	return p
}

type fixture struct {
	events *memory.Store
	models *rmmemory.Store
	rt     *projections.Runtime
	logs   *testkit.LogBuffer
}

func newFixture(t *testing.T, p *application.Projection, opts projections.Options) *fixture {
	t.Helper()
	return newWrappedFixture(t, p, opts, func(s *rmmemory.Store) application.ReadModelStore { return s })
}

// newWrappedFixture runs the projection on wrap(models), to observe how
// the runtime uses the store.
func newWrappedFixture(t *testing.T, p *application.Projection, opts projections.Options,
	wrap func(*rmmemory.Store) application.ReadModelStore) *fixture {
	t.Helper()
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[ticked](reg, 1); err != nil {
		t.Fatal(err)
	}
	// Positions with gaps, as PostgreSQL and KurrentDB hand them out: the
	// runtime must count events, never subtract positions.
	f := &fixture{events: memory.NewWith(memory.Options{Gaps: true}), models: rmmemory.New(), logs: &testkit.LogBuffer{}}
	f.rt = projections.New(f.events, wrap(f.models), reg, []*application.Projection{p}, slog.New(slog.NewJSONHandler(f.logs, nil)), opts)
	return f
}

// appendTicks appends n ticks and, between them, events the projection
// does not handle.
func (f *fixture) appendTicks(t *testing.T, n int) {
	t.Helper()
	all, err := f.events.ReadAll(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(all); i < len(all)+n; i++ {
		evs := []domain.Envelope{{ID: fmt.Sprintf("%s-%d", t.Name(), i), Type: "test.Ticked", SchemaVersion: 1, Data: []byte(`{"n":1}`)}}
		if i%3 == 0 {
			evs = append(evs, domain.Envelope{ID: fmt.Sprintf("%s-o%d", t.Name(), i), Type: "test.Other", SchemaVersion: 1, Data: []byte(`{}`)})
		}
		if _, err := f.events.Append(context.Background(), fmt.Sprintf("s-%d", i%7), domain.AnyVersion, evs); err != nil {
			t.Fatal(err)
		}
	}
}

// nth returns the n-th event of the feed, from 1.
func (f *fixture) nth(t *testing.T, n int) domain.Envelope {
	t.Helper()
	evs, err := f.events.ReadAll(context.Background(), 0, n)
	if err != nil || len(evs) != n {
		t.Fatalf("the feed has no event %d (%v)", n, err)
	}
	return evs[n-1]
}

func (f *fixture) count(t *testing.T) int {
	t.Helper()
	raw, err := f.models.Get(context.Background(), "tally", "t")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Count
}

// waitLive waits until the projection reports Live at the head.
func (f *fixture) waitLive(t *testing.T) projections.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st := f.rt.Status(context.Background())[0]
		if st.State == projections.Live && st.Lag == 0 && st.Head > 0 {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("projection did not catch up: %+v", f.rt.Status(context.Background()))
	return projections.Status{}
}

func TestRuntimeFollowsTheFeedInBatches(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{BatchSize: 64, FlushInterval: 5 * time.Millisecond})
	f.appendTicks(t, 300)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	f.appendTicks(t, 50) // live appends after catching up
	f.waitLive(t)
	if got := f.count(t); got != 350 {
		t.Fatalf("count %d, want 350", got)
	}
	cancel()
	f.rt.Wait()
	if st := f.rt.Status(context.Background())[0]; st.State != projections.Stopped {
		t.Fatalf("state after stop: %s", st.State)
	}
}

func TestFailedBatchesAreRetriedWithoutDoubleApplying(t *testing.T) {
	t.Parallel()
	failures := &atomic.Int64{}
	failures.Store(3)
	f := newFixture(t, tallyProjection(failures), projections.Options{BatchSize: 16, FlushInterval: time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	f.appendTicks(t, 100)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	if got := f.count(t); got != 100 {
		t.Fatalf("count %d after retries, want exactly 100", got)
	}
}

func TestShutdownFlushesThePendingBatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{BatchSize: 1 << 20, FlushInterval: time.Hour})
	f.appendTicks(t, 40)
	ctx, cancel := context.WithCancel(context.Background())
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	head, _ := f.events.Head(context.Background())
	time.Sleep(100 * time.Millisecond) // every event read, none flushed yet
	if cp, _ := f.models.Checkpoint(context.Background(), "test.tally"); cp.Position != 0 {
		t.Fatalf("flushed before shutdown: checkpoint %+v", cp)
	}
	cancel()
	f.rt.Wait()
	if cp, _ := f.models.Checkpoint(context.Background(), "test.tally"); cp.Position != head {
		t.Fatalf("checkpoint %+v after shutdown, want head %d", cp, head)
	}
	if got := f.count(t); got != 40 {
		t.Fatalf("count %d, want 40", got)
	}
}

func TestRebuildReplaysFromScratch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{})
	f.appendTicks(t, 120)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	n, err := f.rt.Rebuild(context.Background(), "test.tally")
	if err != nil {
		t.Fatal(err)
	}
	if n != 160 { // 120 ticks and 40 other events
		t.Fatalf("Rebuild went through %d events, want 160", n)
	}
	if got := f.count(t); got != 120 {
		t.Fatalf("count %d after rebuild, want 120 (not doubled)", got)
	}
	if _, err := f.rt.Rebuild(context.Background(), "nope"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("unknown projection: %v", err)
	}
}

// applyCounter counts the read-model transactions a runtime commits.
type applyCounter struct {
	*rmmemory.Store
	applies atomic.Int64
}

func (c *applyCounter) Apply(ctx context.Context, projection string, at application.Checkpoint, fn func(application.ReadModelTx) error) error {
	c.applies.Add(1)
	return c.Store.Apply(ctx, projection, at, fn)
}

func TestCatchingUpUsesLargeBatchesThenSmallOnes(t *testing.T) {
	t.Parallel()
	var counter *applyCounter
	f := newWrappedFixture(t, tallyProjection(nil),
		projections.Options{BatchSize: 16, CatchUpBatchSize: 1000, FlushInterval: time.Millisecond},
		func(s *rmmemory.Store) application.ReadModelStore {
			counter = &applyCounter{Store: s}
			return counter
		})
	f.appendTicks(t, 300) // 400 events: the whole backlog fits one catch-up batch
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	if n := counter.applies.Load(); n != 1 {
		t.Fatalf("%d transactions for the backlog, want 1", n)
	}
	f.appendTicks(t, 50) // live: small batches, cut by the timer too
	f.waitLive(t)
	if got := f.count(t); got != 350 {
		t.Fatalf("count %d, want 350", got)
	}
	if n := counter.applies.Load(); n < 2 {
		t.Fatalf("%d transactions in all, want live batches after the backlog", n)
	}
}
