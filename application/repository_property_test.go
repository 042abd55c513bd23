package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// tally keeps the slice of the last listed event and edits it in place
// on bumped: legal for an Apply, and exactly what breaks a cache that
// shares decoded events with aggregate state.
type tally struct {
	domain.Base
	items []int
}

type listed struct {
	Items []int `json:"items"`
}

type bumped struct {
	At int `json:"at"`
}

func (listed) EventType() string { return "tally.Listed" }
func (bumped) EventType() string { return "tally.Bumped" }

func (a *tally) Apply(e domain.Event) {
	switch e := e.(type) {
	case listed:
		a.items = e.Items
	case bumped:
		if len(a.items) > 0 {
			a.items[e.At%len(a.items)]++
		}
	}
}

// snapTally is a tally that can be snapshotted.
type snapTally struct{ tally }

func (a *snapTally) SnapshotSchema() int              { return 1 }
func (a *snapTally) MarshalSnapshot() ([]byte, error) { return json.Marshal(a.items) }
func (a *snapTally) UnmarshalSnapshot(b []byte) error { return json.Unmarshal(b, &a.items) }

type tallyCmd struct {
	ID    string `json:"id" jsonschema:"minLength=1"`
	Items []int  `json:"items,omitempty"`
	At    int    `json:"at"`
}

// tallyModule registers tally.List and tally.Bump on aggregates made by
// newTally, and hands its repository to repo.
type tallyModule struct {
	newTally func(id string) domain.Aggregate
	repo     **application.Repository
}

func (tallyModule) Manifest() application.Manifest {
	return application.Manifest{Name: "tally", Version: "0.1.0", Permissions: uses("tally")}
}

func (m tallyModule) Register(r *application.Registrar) error {
	application.RegisterEvent[listed](r, 1)
	application.RegisterEvent[bumped](r, 1)
	*m.repo = r.Repository()
	aggregate := func(c tallyCmd) domain.Aggregate { return m.newTally(c.ID) }
	application.RegisterCommand(r, "List", "tally.use", application.AggregateHandler(r.Repository(), application.MustExist, aggregate,
		func(_ context.Context, a domain.Aggregate, c tallyCmd) error {
			domain.Raise(a, listed{Items: c.Items})
			return nil
		}))
	application.RegisterCommand(r, "Bump", "tally.use", application.AggregateHandler(r.Repository(), application.MustExist, aggregate,
		func(_ context.Context, a domain.Aggregate, c tallyCmd) error {
			domain.Raise(a, bumped{At: c.At})
			return nil
		}))
	return nil
}

// TestWarmLoadsEqualColdLoads runs random command sequences on a few
// streams through an app with a small cache and frequent snapshots, and
// after every command compares the app's (warm) load of each stream with
// a cold replay of the store.
func TestWarmLoadsEqualColdLoads(t *testing.T) {
	t.Parallel()
	kinds := map[string]func(id string) domain.Aggregate{
		"plain":       func(id string) domain.Aggregate { return &tally{Base: domain.NewBase("tally.t-" + id)} },
		"snapshotter": func(id string) domain.Aggregate { return &snapTally{tally{Base: domain.NewBase("tally.t-" + id)}} },
	}
	for name, newTally := range kinds {
		for seed := range uint64(20) {
			t.Run(fmt.Sprint(name, "/", seed), func(t *testing.T) {
				t.Parallel()
				checkWarmEqualsCold(t, rand.New(rand.NewPCG(seed, 7)), newTally)
			})
		}
	}
}

func checkWarmEqualsCold(t *testing.T, rng *rand.Rand, newTally func(id string) domain.Aggregate) {
	ctx := context.Background()
	events := memory.New()
	n := 0
	app := application.New(application.Deps{
		Events: events, ReadModels: rmmemory.New(), Validator: jsonschema.NewValidator(),
		NewID:         func() string { n++; return fmt.Sprint("e", n) },
		Logger:        quietLogger,
		Snapshots:     snapmemory.New(),
		SnapshotEvery: 1 + rng.IntN(6), CachedStreams: 1 + rng.IntN(3),
	})
	var repo *application.Repository
	app.Load(tallyModule{newTally: newTally, repo: &repo})
	cold := application.NewRepository(events, app.Events(), application.RepositoryOptions{NewID: func() string { return "" }, CachedStreams: -1})
	ids := []string{"a", "b", "c", "d"}
	for _, id := range ids {
		appendFirst(t, events, "tally.t-"+id, "seed-"+id, "tally.Listed", `{"items":[]}`)
	}
	for step := range 60 {
		id := ids[rng.IntN(len(ids))]
		cmd, body := "tally.Bump", fmt.Sprintf(`{"id":%q,"at":%d}`, id, rng.IntN(5))
		if rng.IntN(4) == 0 {
			items, _ := json.Marshal(rng.Perm(1 + rng.IntN(4)))
			cmd, body = "tally.List", fmt.Sprintf(`{"id":%q,"items":%s,"at":0}`, id, items)
		}
		if _, err := app.Dispatch(ctx, cmd, []byte(body)); err != nil {
			t.Fatalf("step %d %s %s: %v", step, cmd, body, err)
		}
		for _, id := range ids {
			warm, want := newTally(id), newTally(id)
			if err := repo.Load(ctx, warm); err != nil {
				t.Fatal(err)
			}
			if err := cold.Load(ctx, want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(warm, want) {
				t.Fatalf("step %d (%s %s): warm load of %s %+v, cold %+v", step, cmd, body, id, warm, want)
			}
		}
	}
}
