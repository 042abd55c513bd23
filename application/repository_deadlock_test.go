package application_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

type touch struct {
	ID    string `json:"id" jsonschema:"minLength=1"`
	Other string `json:"other" jsonschema:"minLength=1"`
}

type touched struct {
	Seen int `json:"seen"`
}

func (touched) EventType() string { return "cross.Touched" }

type toucher struct {
	domain.Base
	n int
}

func (a *toucher) Apply(domain.Event) { a.n++ }

// crossModule's Touch loads another toucher while it decides, as a
// command that checks a second aggregate does.
type crossModule struct{}

func (crossModule) Manifest() application.Manifest {
	return application.Manifest{Name: "cross", Version: "0.1.0", Permissions: uses("cross")}
}

func (crossModule) Register(r *application.Registrar) error {
	application.RegisterEvent[touched](r, 1)
	repo := r.Repository()
	application.RegisterCommand(r, "Touch", "cross.use", application.AggregateHandler(repo, application.MustExist,
		func(c touch) *toucher { return &toucher{Base: domain.NewBase("cross.t-" + c.ID)} },
		func(ctx context.Context, a *toucher, c touch) error {
			other := &toucher{Base: domain.NewBase("cross.t-" + c.Other)}
			if err := repo.Load(ctx, other); err != nil {
				return err
			}
			domain.Raise(a, touched{Seen: other.n})
			return nil
		}))
	return nil
}

// TestCommandsLoadingEachOthersAggregatesDoNotDeadlock: commands on a
// that load b run alongside commands on b that load a.
func TestCommandsLoadingEachOthersAggregatesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	events := memory.New()
	app := newAppOn(events, nil, crossModule{})
	ctx := context.Background()
	for _, id := range []string{"a", "b"} {
		appendFirst(t, events, "cross.t-"+id, "seed-"+id, "cross.Touched", `{"seen":0}`)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		for i := range 16 {
			id, other := []string{"a", "b"}[i%2], []string{"b", "a"}[i%2]
			wg.Go(func() {
				for range 50 {
					if _, err := app.Dispatch(ctx, "cross.Touch", fmt.Appendf(nil, `{"id":%q,"other":%q}`, id, other)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("commands that load each other's aggregates deadlocked")
	}
	for _, id := range []string{"a", "b"} {
		if v, _ := events.StreamVersion(ctx, "cross.t-"+id); v != 1+8*50 {
			t.Fatalf("stream %s at %d, want %d", id, v, 1+8*50)
		}
	}
}
