package application_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// added is picky's event; tallied is its aggregate.
type added struct {
	By int `json:"by"`
}

func (added) EventType() string { return "picky.Added" }

type tallied struct {
	domain.Base
	n int
}

// Apply panics on 77, as a bug in an aggregate would, whether the event
// is raised or replayed.
func (a *tallied) Apply(e domain.Event) {
	if e.(added).By == 77 {
		panic("77 cannot be applied")
	}
	a.n += e.(added).By
}

// pickyModule registers picky.Add on counters: by 13 is refused before
// anything is raised, by 66 is refused after raising (a decision that
// fails half-way), by 99 panics after raising, anything else is added.
type pickyModule struct{}

func (pickyModule) Manifest() application.Manifest {
	return application.Manifest{Name: "picky", Version: "0.1.0", Permissions: uses("picky")}
}

func (pickyModule) Register(r *application.Registrar) error {
	application.RegisterEvent[added](r, 1)
	application.RegisterCommand(r, "Add", "picky.use", application.AggregateHandler(r.Repository(), application.MustExist,
		func(c increment) *tallied { return &tallied{Base: domain.NewBase("picky.c-" + c.ID)} },
		func(_ context.Context, a *tallied, c increment) error {
			if c.By == 13 {
				return domain.Errorf(domain.KindRejected, "unlucky", "13 is refused")
			}
			domain.Raise(a, added{By: c.By})
			if c.By == 99 {
				panic("99 panics after raising")
			}
			if c.By == 66 {
				return domain.Errorf(domain.KindRejected, "half_way", "66 is refused after raising")
			}
			return nil
		}))
	return nil
}

// TestQueuedCommandsAreBatchedFaithfully: many clients on one stream,
// some refused before or after raising; every accepted command's answer
// names the events the stream holds at its version, and the state counts
// exactly the accepted ones.
func TestQueuedCommandsAreBatchedFaithfully(t *testing.T) {
	t.Parallel()
	events := memory.New()
	app := newAppOn(events, nil, pickyModule{})
	ctx := context.Background()
	seedPicky(t, events)
	var mu sync.Mutex
	accepted, want := map[uint64]application.Result{}, 0
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Go(func() {
			for i := range 30 {
				by := []int{1, 2, 13, 66, 5}[(c+i)%5]
				res, err := app.Dispatch(ctx, "picky.Add", fmt.Appendf(nil, `{"id":"a","by":%d}`, by))
				var de *domain.Error
				switch {
				case by == 13 || by == 66:
					if !errors.As(err, &de) || de.Kind != domain.KindRejected {
						t.Errorf("by %d: %v, want a refusal", by, err)
					}
				case err != nil:
					t.Errorf("by %d: %v", by, err)
				default:
					mu.Lock()
					accepted[res.Version], want = res, want+by
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	stored, _ := events.ReadStream(ctx, "picky.c-a", 2, application.Forward, 0)
	if len(stored) != len(accepted) {
		t.Fatalf("%d events stored, %d commands accepted", len(stored), len(accepted))
	}
	for _, s := range stored {
		res, ok := accepted[s.StreamVersion]
		if !ok || len(res.Events) != 1 || res.Events[0] != s.ID || res.Position != s.Position {
			t.Fatalf("event %d (%s at %d): answered %+v", s.StreamVersion, s.ID, s.Position, res)
		}
	}
	c := &tallied{Base: domain.NewBase("picky.c-a")}
	if err := loadCold(events, app, c); err != nil || c.n != want {
		t.Fatalf("counter at %d (%v), want %d", c.n, err, want)
	}
}

// racedStore holds the first append until gate closes, and lets another
// writer in just before the first append of more than one event, as a
// second process would.
type racedStore struct {
	*memory.Store
	entered, gate chan struct{}
	once, raced   sync.Once
}

func (s *racedStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, evs []domain.Envelope) ([]domain.Envelope, error) {
	s.once.Do(func() { close(s.entered); <-s.gate })
	if len(evs) > 1 {
		s.raced.Do(func() {
			_, _ = s.Store.Append(ctx, stream, domain.AnyVersion, []domain.Envelope{{ID: "foreign", Type: "picky.Added", SchemaVersion: 1, Data: []byte(`{"by":100}`)}})
		})
	}
	return s.Store.Append(ctx, stream, expected, evs)
}

// TestABatchThatLosesARaceIsRunAlone: when a batch's append conflicts with
// another process, its commands are decided again one by one, and all of
// them succeed once.
func TestABatchThatLosesARaceIsRunAlone(t *testing.T) {
	t.Parallel()
	store := newRacedStore(true)
	ctx := context.Background()
	seedPicky(t, store.Store)
	app := newAppOn(store, nil, pickyModule{})
	add := func() {
		if _, err := app.Dispatch(ctx, "picky.Add", []byte(`{"id":"a","by":1}`)); err != nil {
			t.Error(err)
		}
	}
	var wg sync.WaitGroup
	wg.Go(add)
	<-store.entered // the first command holds the stream, appending
	for range 6 {
		wg.Go(add)
	}
	time.Sleep(100 * time.Millisecond) // let them queue up behind it
	close(store.gate)
	wg.Wait()
	c := &tallied{Base: domain.NewBase("picky.c-a")}
	if err := loadCold(store, app, c); err != nil || c.n != 107 || c.Version() != 9 {
		t.Fatalf("counter at %d, version %d (%v); want 107 at 9: seed, 7 commands once each, the foreign event", c.n, c.Version(), err)
	}
}

// failFirstStore fails the first append after gate closes, as a disk
// error would, and then lets racedStore's foreign writer in.
type failFirstStore struct {
	*racedStore
	failed sync.Once
}

func (s *failFirstStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, evs []domain.Envelope) ([]domain.Envelope, error) {
	fail := false
	s.failed.Do(func() { close(s.entered); <-s.gate; fail = true })
	if fail {
		return nil, errors.New("disk I/O error")
	}
	return s.racedStore.Append(ctx, stream, expected, evs)
}

// TestABatchOnAColdStreamThatLosesARaceStartsOver: a batch decided on an
// aggregate that was not the stream's live one (the command before it
// failed) and then lost a race is decided again one by one on clean
// state: no event of the failed batch is appended with a later command.
func TestABatchOnAColdStreamThatLosesARaceStartsOver(t *testing.T) {
	t.Parallel()
	store := &failFirstStore{racedStore: newRacedStore(true)}
	store.once.Do(func() {}) // racedStore's own gate is not used here
	ctx := context.Background()
	seedPicky(t, store.Store)
	app := newAppOn(store, nil, pickyModule{})
	add := func() error {
		_, err := app.Dispatch(ctx, "picky.Add", []byte(`{"id":"a","by":1}`))
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if add() == nil {
			t.Error("the first command succeeded; its append was to fail")
		}
	})
	<-store.entered
	for range 6 {
		wg.Go(func() {
			if err := add(); err != nil {
				t.Error(err)
			}
		})
	}
	time.Sleep(100 * time.Millisecond)
	close(store.gate)
	wg.Wait()
	c := &tallied{Base: domain.NewBase("picky.c-a")}
	if err := loadCold(store, app, c); err != nil || c.n != 106 || c.Version() != 8 {
		t.Fatalf("counter at %d, version %d (%v); want 106 at 8: seed, the foreign event, 6 commands once each", c.n, c.Version(), err)
	}
}
