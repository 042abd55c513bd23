package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/webos-engine/webos/domain"
)

// DemoSeeder is implemented by modules that ship sample data for
// `webos serve --demo`.
type DemoSeeder interface {
	DemoData() []DemoBatch
}

// DemoBatch is a group of commands whose first creates something. When
// that thing already exists the whole batch is skipped, which makes
// seeding idempotent: a second run sends nothing.
type DemoBatch []DemoCommand

// DemoCommand is one command of a batch, sent through the ordinary
// pipeline.
type DemoCommand struct {
	Name string
	Body any
}

// SeedDemo sends the demo batches of every running module that has them
// and returns how many batches were applied: 0 when the demo data is
// already there.
func (a *App) SeedDemo(ctx context.Context, modules []Module) (int, error) {
	ctx = context.WithValue(ctx, seedingKey{}, true)
	running := map[string]bool{}
	for _, st := range a.Modules() {
		running[st.Name] = st.Status == StatusRunning
	}
	applied := 0
	for _, m := range modules {
		s, ok := m.(DemoSeeder)
		if !ok || !running[m.Manifest().Name] {
			continue
		}
		for _, batch := range s.DemoData() {
			done, err := a.seedBatch(ctx, batch)
			if err != nil {
				return applied, err
			}
			if done {
				applied++
			}
		}
	}
	return applied, nil
}

func (a *App) seedBatch(ctx context.Context, batch DemoBatch) (bool, error) {
	for i, c := range batch {
		body, err := json.Marshal(c.Body)
		if err != nil {
			return false, err
		}
		_, err = a.Dispatch(ctx, c.Name, body)
		if i == 0 && errors.Is(err, domain.ErrConflict) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("demo %s: %w", c.Name, err)
		}
	}
	return true, nil
}

// seedingKey marks the context of SeedDemo. There a refused first command
// of a batch is expected (the batch already ran), so the pipeline logs
// refusals at debug level instead of one "command refused" line each.
type seedingKey struct{}

// seeding reports whether ctx is SeedDemo's.
func seeding(ctx context.Context) bool {
	v, _ := ctx.Value(seedingKey{}).(bool)
	return v
}
