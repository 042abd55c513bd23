package projections_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/projections"
)

// versionedTally is the tally at version v, which counts v per tick, so
// the documents tell which version wrote them.
func versionedTally(v int) *application.Projection {
	p := application.NewProjection("test.tally", tally).SetVersion(v)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e ticked) error {
		doc, err := application.LoadDoc[struct {
			Count int `json:"count"`
		}](ctx, tx, "tally", "t")
		if err != nil {
			return err
		}
		doc.Count += v
		return tx.Upsert(ctx, "tally", "t", doc)
	})
	return p
}

// redeploy returns a runtime over the fixture's stores running p, as a
// process started with another build would.
func (f *fixture) redeploy(t *testing.T, p *application.Projection, opts projections.Options) *projections.Runtime {
	t.Helper()
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[ticked](reg, 1); err != nil {
		t.Fatal(err)
	}
	return projections.New(f.events, f.models, reg, []*application.Projection{p}, slog.New(slog.NewJSONHandler(f.logs, nil)), opts)
}

// viewCount reads the tally as views do, through rt's view store.
func viewCount(t *testing.T, rt *projections.Runtime) (int, error) {
	t.Helper()
	raw, err := rt.Views().Get(context.Background(), "tally", "t")
	if err != nil {
		return 0, err
	}
	var doc struct {
		Count int `json:"count"`
	}
	return doc.Count, json.Unmarshal(raw, &doc)
}

// checkpoint is the stored checkpoint position under key.
func (f *fixture) checkpoint(t *testing.T, key string) uint64 {
	t.Helper()
	cp, err := f.models.Checkpoint(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return cp.Position
}

// slow makes background rebuilds take a while: batches of 10, a pause
// after each.
var slow = projections.Options{BatchSize: 10, CatchUpBatchSize: 10, FlushInterval: 2 * time.Millisecond, RebuildPause: 5 * time.Millisecond}

// waitServing waits until version v serves the projection's views.
func waitServing(t *testing.T, rt *projections.Runtime, v int) projections.Status {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		st := rt.Status(context.Background())[0]
		if st.Version == v && st.Rebuild == nil && st.State == projections.Live && st.Lag == 0 {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("version %d does not serve: %+v", v, rt.Status(context.Background()))
	return projections.Status{}
}

// waitDropped waits until collection is gone from models: a retired
// version is dropped right after the views switch to the new one, which
// Status (waitServing) shows first.
func waitDropped(t *testing.T, models application.ReadModelStore, collection string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, err := models.Count(context.Background(), collection, nil)
		if domain.KindOf(err) == domain.KindNotFound {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still there after the switch: %v", collection, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNewVersionIsRebuiltInTheBackgroundAndSwitchedAtomically(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 200)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	head := f.nth(t, 1).Position // any position the old version has applied

	rt := f.redeploy(t, versionedTally(2), slow)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	st := rt.Status(ctx)[0]
	if st.Version != 1 || st.State != projections.Serving || st.Rebuild == nil || st.Rebuild.Version != 2 || st.Rebuild.Progress == nil {
		t.Fatalf("status during the rebuild: %+v", st)
	}
	// Readers see version 1 whole until version 2 is whole: never an
	// error, never a count in between.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var seen sync.Map
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n, err := viewCount(t, rt)
				if err != nil || (n != 200 && n != 400) {
					t.Errorf("a view read during the switch: %d, %v", n, err)
					return
				}
				seen.Store(n, true)
			}
		})
	}
	// A reader waiting for a position the old version has applied goes
	// on at once.
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := rt.WaitFor(wctx, []string{"test.tally"}, head); err != nil {
		t.Fatalf("waiting for a position the serving version has: %v", err)
	}
	waitServing(t, rt, 2)
	close(stop)
	wg.Wait()
	if _, ok := seen.Load(200); !ok {
		t.Error("no read saw the old version while the new one was built")
	}
	if n, err := viewCount(t, rt); err != nil || n != 400 {
		t.Fatalf("after the switch: %d, %v; want version 2's 400", n, err)
	}
	waitDropped(t, f.models, "tally")
	if cp := f.checkpoint(t, "test.tally"); cp != 0 {
		t.Fatalf("version 1's checkpoint is still there: %d", cp)
	}
	if cp := f.checkpoint(t, "test.tally@v2"); cp == 0 {
		t.Fatal("version 2 has no checkpoint of its own")
	}

	// Live, version 2 follows new events into its own collections.
	f.appendTicks(t, 5)
	waitServing(t, rt, 2)
	if n, err := viewCount(t, rt); err != nil || n != 410 {
		t.Fatalf("after new events: %d, %v; want 410", n, err)
	}
}

func TestWaitForWaitsUntilANewVersionServes(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 50)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt := f.redeploy(t, versionedTally(2), slow)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	f.appendTicks(t, 1) // only version 2 will apply it
	all, _ := f.events.ReadAll(ctx, 0, 0)
	last := all[len(all)-1].Position
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := rt.WaitFor(wctx, []string{"test.tally"}, last); err != nil {
		t.Fatal(err)
	}
	// Whatever WaitFor let through reads a version that has the event.
	if n, err := viewCount(t, rt); err != nil || n != 102 {
		t.Fatalf("read after waiting: %d, %v; want version 2's 102", n, err)
	}
}

func TestAnInterruptedRebuildResumesFromItsOwnCheckpoint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 300)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	v1 := f.checkpoint(t, "test.tally")

	rt := f.redeploy(t, versionedTally(2), slow)
	ctx, cancel := context.WithCancel(context.Background())
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for f.checkpoint(t, "test.tally@v2") == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel() // the process ends part way
	rt.Wait()
	part := f.checkpoint(t, "test.tally@v2")
	// The drain of a clean shutdown leaves the rebuild where it is.
	if err := rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if cp := f.checkpoint(t, "test.tally@v2"); cp != part {
		t.Fatalf("the drain at shutdown went on with the rebuild: %d, was %d", cp, part)
	}
	if part == 0 || f.checkpoint(t, "test.tally") != v1 {
		t.Fatalf("after the interruption: v2 at %d, v1 at %d (was %d)", part, f.checkpoint(t, "test.tally"), v1)
	}

	rt = f.redeploy(t, versionedTally(2), slow)
	ctx, cancel = context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if st := rt.Status(ctx)[0]; st.Version != 1 || st.Rebuild == nil || st.Rebuild.Checkpoint < part {
		t.Fatalf("the rebuild did not resume from %d: %+v", part, st)
	}
	if n, err := viewCount(t, rt); err != nil || n != 300 {
		t.Fatalf("version 1 does not serve meanwhile: %d, %v", n, err)
	}
	waitServing(t, rt, 2)
	if n, err := viewCount(t, rt); err != nil || n != 600 {
		t.Fatalf("after the resumed rebuild: %d, %v; want 600", n, err)
	}
}

func TestVersionBumpedDownIsRebuiltAndStaleCollectionsCleared(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 40)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Version 3 is rebuilt offline: it serves at once, and version 1 is
	// gone.
	rt := f.redeploy(t, versionedTally(3), projections.Options{})
	if _, err := rt.Rebuild(context.Background(), "test.tally"); err != nil {
		t.Fatal(err)
	}
	if n, err := viewCount(t, rt); err != nil || n != 120 {
		t.Fatalf("after rebuilding version 3: %d, %v", n, err)
	}
	// A build of version 2 was interrupted long ago and left documents
	// and a checkpoint (a crash, or an older deploy): they must not leak
	// into a new build of version 2.
	stale := application.VersionedName("tally", 2)
	if err := f.models.Declare(context.Background(), application.CollectionSpec{Name: stale}); err != nil {
		t.Fatal(err)
	}
	if err := f.models.Apply(context.Background(), "test.tally@v2", application.Checkpoint{StoreID: "x", Position: 3}, func(tx application.ReadModelTx) error {
		return tx.Upsert(context.Background(), stale, "t", map[string]any{"count": 1000})
	}); err != nil {
		t.Fatal(err)
	}
	// Bumped down to 2: rebuilt in the background, then served.
	rt = f.redeploy(t, versionedTally(2), projections.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitServing(t, rt, 2)
	if n, err := viewCount(t, rt); err != nil || n != 80 {
		t.Fatalf("after bumping down to 2: %d, %v; want 80", n, err)
	}
	waitDropped(t, f.models, application.VersionedName("tally", 3))
}

func TestARollbackDuringARebuildDropsTheUnfinishedVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 300)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt := f.redeploy(t, versionedTally(2), slow)
	ctx, cancel := context.WithCancel(context.Background())
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for f.checkpoint(t, "test.tally@v2") == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	rt.Wait()
	// The deploy is rolled back to version 1 before version 2 served.
	rt = f.redeploy(t, versionedTally(1), projections.Options{})
	ctx, cancel = context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if st := rt.Status(ctx)[0]; st.Version != 1 || st.Rebuild != nil {
		t.Fatalf("status after the rollback: %+v", st)
	}
	if _, err := f.models.Count(ctx, application.VersionedName("tally", 2), nil); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("the unfinished version 2 is still there: %v", err)
	}
	if cp := f.checkpoint(t, "test.tally@v2"); cp != 0 {
		t.Fatalf("the unfinished version 2's checkpoint is still there: %d", cp)
	}
	f.appendTicks(t, 1)
	waitServing(t, rt, 1)
	if n, err := viewCount(t, rt); err != nil || n != 301 {
		t.Fatalf("version 1 after the rollback: %d, %v", n, err)
	}
}

func TestAVersionedProjectionMustOwnItsCollections(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	other := application.NewProjection("test.other", tally)
	rt := projections.New(f.events, f.models, domain.NewEventRegistry(),
		[]*application.Projection{versionedTally(2), other}, slog.New(slog.NewJSONHandler(f.logs, nil)), projections.Options{})
	if err := rt.Declare(context.Background()); err == nil {
		t.Fatal("a versioned projection sharing a collection was accepted")
	}
	if err := application.NewProjection("x", application.CollectionSpec{Name: "a@v2"}).Err(); err == nil {
		t.Fatal("a collection name with '@' was accepted")
	}
	if err := application.NewProjection("x").SetVersion(0).Err(); err == nil {
		t.Fatal("version 0 was accepted")
	}
}

func TestAReplacedVersionWhoseCodeIsKeptRunsOnUntilTheSwitch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 300)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt := f.redeploy(t, versionedTally(2).Replaces(versionedTally(1)), slow)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// During the rebuild, version 1 follows new events, and a reader
	// waiting for its own write gets it from version 1.
	f.appendTicks(t, 5)
	all, _ := f.events.ReadAll(ctx, 0, 0)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := rt.WaitFor(wctx, []string{"test.tally"}, all[len(all)-1].Position); err != nil {
		t.Fatal(err)
	}
	st := rt.Status(ctx)[0]
	if st.Version != 1 || st.Rebuild == nil || st.Rebuild.Version != 2 {
		t.Fatalf("version 2 should still be rebuilding: %+v", st)
	}
	if st.State != projections.Live && st.State != projections.CatchingUp {
		t.Fatalf("the kept version 1 does not run: %+v", st)
	}
	if n, err := viewCount(t, rt); err != nil || n != 305 {
		t.Fatalf("version 1 during the rebuild: %d, %v; want 305", n, err)
	}
	waitServing(t, rt, 2)
	if n, err := viewCount(t, rt); err != nil || n != 610 {
		t.Fatalf("after the switch: %d, %v; want 610", n, err)
	}
	waitDropped(t, f.models, "tally")
	// Readers waiting after the switch wait on version 2.
	f.appendTicks(t, 1)
	all, _ = f.events.ReadAll(ctx, 0, 0)
	if err := rt.WaitFor(wctx, []string{"test.tally"}, all[len(all)-1].Position); err != nil {
		t.Fatal(err)
	}
	if n, err := viewCount(t, rt); err != nil || n != 612 {
		t.Fatalf("version 2 after the switch: %d, %v; want 612", n, err)
	}
	if err := application.NewProjection("a").Replaces(application.NewProjection("b")).Err(); err == nil {
		t.Fatal("a projection replacing another one by name was accepted")
	}
}

// stallingStore holds a view's Get of collection until release closes,
// once entered has been signalled.
type stallingStore struct {
	*rmmemory.Store
	collection string
	entered    chan struct{}
	release    chan struct{}
	once       sync.Once
}

func (s *stallingStore) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	if collection == s.collection {
		s.once.Do(func() {
			close(s.entered)
			<-s.release
		})
	}
	return s.Store.Get(ctx, collection, id)
}

func TestTheSwitchWaitsForReadsInFlightOnTheOldVersion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, versionedTally(1), projections.Options{})
	f.appendTicks(t, 100)
	if err := f.rt.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	store := &stallingStore{Store: f.models, collection: "tally", entered: make(chan struct{}), release: make(chan struct{})}
	reg := domain.NewEventRegistry()
	if err := domain.RegisterEvent[ticked](reg, 1); err != nil {
		t.Fatal(err)
	}
	rt := projections.New(f.events, store, reg, []*application.Projection{versionedTally(2)},
		slog.New(slog.NewJSONHandler(f.logs, nil)), slow)
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); rt.Wait() }()
	if err := rt.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// A view read on version 1 is in flight (stalled in the store) when
	// version 2 catches up.
	read := make(chan error, 1)
	go func() {
		n, err := viewCount(t, rt)
		if err == nil && n != 100 {
			err = fmt.Errorf("the read in flight saw %d, want version 1's 100", n)
		}
		read <- err
	}()
	<-store.entered
	if st := rt.Status(ctx)[0]; st.Rebuild == nil || st.Rebuild.Checkpoint >= f.nth(t, 100).Position {
		t.Fatalf("the rebuild ended before the read began: %+v", st)
	}
	all, err := f.events.ReadAll(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for f.checkpoint(t, "test.tally@v2") < all[len(all)-1].Position {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the switch is due by now: it must wait for the read
	if st := rt.Status(ctx)[0]; st.Version != 1 {
		t.Fatalf("the views switched under a read in flight: %+v", st)
	}
	if _, err := f.models.Count(ctx, "tally", nil); err != nil {
		t.Fatalf("version 1 was dropped under a read in flight: %v", err)
	}
	close(store.release)
	if err := <-read; err != nil {
		t.Fatal(err)
	}
	waitServing(t, rt, 2)
	waitDropped(t, f.models, "tally")
}
