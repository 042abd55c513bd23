package projections_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

// waitState waits until the named projection reports state, and for
// Live, no lag.
func waitState(t *testing.T, rt *projections.Runtime, name string, state projections.State) projections.Status {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, st := range rt.Status(context.Background()) {
			if st.Name == name && st.State == state && (state != projections.Live || st.Lag == 0) {
				return st
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s never became %s: %+v", name, state, rt.Status(context.Background()))
	return projections.Status{}
}

// An event that cannot be decoded stops its projection after a bounded
// number of attempts, with the position and a code; another projection
// of the same runtime keeps up.
func TestUndecodableEventFailsOnlyItsProjection(t *testing.T) {
	t.Parallel()
	f := newFixture(t, tallyProjection(nil), projections.Options{})
	reg := domain.NewEventRegistry()
	if err := errors.Join(domain.RegisterEvent[ticked](reg, 1), domain.RegisterEvent[otherHappened](reg, 1)); err != nil {
		t.Fatal(err)
	}
	other := application.NewProjection("test.other", application.CollectionSpec{Name: "other"})
	application.On(other, func(context.Context, application.ReadModelTx, domain.Envelope, otherHappened) error { return nil })
	logs := &testkit.LogBuffer{}
	rt := projections.New(f.events, f.models, reg, []*application.Projection{tallyProjection(nil), other},
		slog.New(slog.NewJSONHandler(logs, nil)),
		projections.Options{FlushInterval: time.Millisecond, MaxBackoff: 5 * time.Millisecond, MaxAttempts: 3})
	f.appendTicks(t, 5)
	before, _ := f.events.Head(context.Background())
	bad, err := f.events.Append(context.Background(), "s-bad", domain.NoStream,
		[]domain.Envelope{{ID: "bad", Type: "test.Ticked", SchemaVersion: 1, Data: []byte(`{"n":"not a number"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	f.appendTicks(t, 5)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	st := waitState(t, rt, "test.tally", projections.Failed)
	if st.Position != bad[0].Position || st.Code != projections.CodeUndecodable || st.Checkpoint != before {
		t.Fatalf("failed status %+v, want position %d, code %s", st, bad[0].Position, projections.CodeUndecodable)
	}
	if got := f.count(t); got != 5 {
		t.Fatalf("count %d, want the 5 ticks before the bad event applied", got)
	}
	waitState(t, rt, "test.other", projections.Live)
	if recs := logs.Records("projection failed"); len(recs) != 2 {
		t.Fatalf("%d retries logged, want MaxAttempts-1 = 2: %v", len(recs), recs)
	}
	stopped := logs.Records("projection stopped at an event it cannot apply; fix the code, or skip the event with " +
		"`webos projections skip NAME --position P` and restart")
	if len(stopped) != 1 || stopped[0]["position"] != float64(bad[0].Position) {
		t.Fatalf("stop logged as %v", stopped)
	}
}

type otherHappened struct{}

func (otherHappened) EventType() string { return "test.Other" }

// flaky fails every other Apply.
type flaky struct {
	*rmmemory.Store
	calls atomic.Int64
}

func (s *flaky) Apply(ctx context.Context, projection string, at application.Checkpoint, fn func(application.ReadModelTx) error) error {
	if s.calls.Add(1)%2 == 1 {
		return errors.New("disk hiccup")
	}
	return s.Store.Apply(ctx, projection, at, fn)
}

// The wait before a retry starts from the base again after a success, and
// is jittered: it stays within [base/2, base] when every other batch fails.
func TestBackoffResetsAfterProgress(t *testing.T) {
	t.Parallel()
	f := newWrappedFixture(t, tallyProjection(nil),
		projections.Options{BatchSize: 4, CatchUpBatchSize: 4, FlushInterval: time.Millisecond, MaxBackoff: time.Minute},
		func(s *rmmemory.Store) application.ReadModelStore { return &flaky{Store: s} })
	f.appendTicks(t, 12)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	recs := f.logs.Records("projection failed")
	if len(recs) < 4 {
		t.Fatalf("%d failures logged, want at least 4", len(recs))
	}
	for _, r := range recs {
		wait := time.Duration(r["retry_in"].(float64))
		if wait < 50*time.Millisecond || wait > 100*time.Millisecond || r["code"] != projections.CodeStore {
			t.Fatalf("retry %v: want a wait in [50ms, 100ms] and code %s", r, projections.CodeStore)
		}
	}
}

// gate blocks the tally's handler while closed.
type gate struct{ open chan struct{} }

// The state follows the lag both ways: Live near the head, CatchingUp
// again when appends outrun the projection, Live once it catches up.
func TestStatusFollowsTheLag(t *testing.T) {
	t.Parallel()
	g := gate{open: make(chan struct{})}
	close(g.open)
	var blocked atomic.Pointer[gate]
	blocked.Store(&g)
	p := application.NewProjection("test.tally", tally)
	application.On(p, func(context.Context, application.ReadModelTx, domain.Envelope, ticked) error {
		<-blocked.Load().open
		return nil
	})
	f := newFixture(t, p, projections.Options{BatchSize: 8, FlushInterval: time.Millisecond})
	f.appendTicks(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitState(t, f.rt, "test.tally", projections.Live)
	closed := &gate{open: make(chan struct{})}
	blocked.Store(closed)
	f.appendTicks(t, 40)
	waitState(t, f.rt, "test.tally", projections.CatchingUp)
	close(closed.open)
	f.waitLive(t)
}

// The lag counts the events not yet projected, and dates the oldest, on
// a store whose positions have gaps: a projection a few events behind is
// Live and says how many, however far apart their positions are.
func TestLagCountsEvents(t *testing.T) {
	t.Parallel()
	g := gate{open: make(chan struct{})}
	close(g.open)
	var blocked atomic.Pointer[gate]
	blocked.Store(&g)
	p := application.NewProjection("test.tally", tally)
	application.On(p, func(context.Context, application.ReadModelTx, domain.Envelope, ticked) error {
		<-blocked.Load().open
		return nil
	})
	f := newFixture(t, p, projections.Options{BatchSize: 8, FlushInterval: time.Millisecond})
	f.appendTicks(t, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	closed := &gate{open: make(chan struct{})}
	blocked.Store(closed)
	defer close(closed.open)
	recorded := time.Now().Add(-time.Minute)
	for i := range 4 { // the first blocks the handler; three queue behind it
		env := domain.Envelope{ID: fmt.Sprintf("late-%d", i), Type: "test.Ticked", SchemaVersion: 1, RecordedAt: recorded, Data: []byte(`{"n":1}`)}
		if _, err := f.events.Append(ctx, "late", domain.AnyVersion, []domain.Envelope{env}); err != nil {
			t.Fatal(err)
		}
	}
	st := f.rt.Status(ctx)[0]
	if st.State != projections.Live || st.Lag != 4 || st.LagCapped || st.LagSeconds < 60 || st.LagSeconds > 120 {
		t.Fatalf("status %+v, want Live, 4 events and a minute behind", st)
	}
}

// A projection that recovers from a failure stops reporting it: a live
// projection must not show the code of a retry that has since succeeded.
func TestRecoveryClearsTheFailure(t *testing.T) {
	t.Parallel()
	f := newWrappedFixture(t, tallyProjection(nil),
		projections.Options{FlushInterval: time.Millisecond, MaxBackoff: time.Millisecond},
		func(s *rmmemory.Store) application.ReadModelStore { return &flaky{Store: s} })
	f.appendTicks(t, 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := f.rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	f.waitLive(t)
	if len(f.logs.Records("projection failed")) == 0 {
		t.Fatal("the first Apply did not fail")
	}
	st := waitState(t, f.rt, "test.tally", projections.Live)
	if st.Code != "" || st.Message != "" || st.Position != 0 || st.Error != "" {
		t.Fatalf("live status still reports the failure: %+v", st)
	}
}
