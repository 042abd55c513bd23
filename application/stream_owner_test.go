package application_test

import (
	"context"
	"errors"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// trespasser increments counters in its own streams and, through the same
// repository, in the counter module's.
type trespasser struct{}

type trespass struct {
	Stream string `json:"stream"`
}

func (trespasser) Manifest() application.Manifest {
	return application.Manifest{Name: "other", Permissions: uses("other")}
}

func (trespasser) Register(r *application.Registrar) error {
	application.RegisterCommand(r, "Trespass", "other.use", application.AggregateHandler(r.Repository(), application.MustBeNew,
		func(c trespass) *counter { return &counter{Base: domain.NewBase(c.Stream)} },
		func(_ context.Context, a *counter, _ trespass) error { domain.Raise(a, incremented{By: 1}); return nil }))
	return nil
}

func TestAModuleAppendsOnlyToItsOwnStreams(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"}, trespasser{})
	ctx := context.Background()
	for _, stream := range []string{"counter.c-a", "otherwise.x", "other"} {
		_, err := app.Dispatch(ctx, "other.Trespass", []byte(`{"stream":"`+stream+`"}`))
		if !errors.Is(err, application.ErrStreamNotOwned) {
			t.Errorf("append to %s: %v, want ErrStreamNotOwned", stream, err)
		}
		if v, _ := events.StreamVersion(ctx, stream); v != 0 {
			t.Errorf("%s was written (version %d)", stream, v)
		}
	}
	if res, err := app.Dispatch(ctx, "other.Trespass", []byte(`{"stream":"other.c-1"}`)); err != nil || res.Version != 1 {
		t.Fatalf("append to its own stream: %+v %v", res, err)
	}
}
