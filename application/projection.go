package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/webos-engine/webos/domain"
)

// ProjectionHandler applies one decoded event to the read models.
type ProjectionHandler func(ctx context.Context, tx ReadModelTx, env domain.Envelope, ev domain.Event) error

// Projection turns events into read-model documents. It owns its
// collections: a rebuild empties them and replays the whole feed. Handlers
// must be deterministic and depend only on the events and the documents,
// never on the clock or other services, so that a rebuild gives the same
// read model.
type Projection struct {
	name        string
	collections []CollectionSpec
	handlers    map[string]ProjectionHandler
	errs        []error
}

// NewProjection declares a projection writing the given collections.
func NewProjection(name string, collections ...CollectionSpec) *Projection {
	return &Projection{name: name, collections: collections, handlers: map[string]ProjectionHandler{}}
}

// On adds the handler for events of type E. A second handler for the same
// type is a mistake (which one should run?): it is recorded in Err, and a
// module registering the projection fails to load.
func On[E domain.Event](p *Projection, fn func(ctx context.Context, tx ReadModelTx, env domain.Envelope, e E) error) {
	var zero E
	typ := zero.EventType()
	if _, dup := p.handlers[typ]; dup {
		p.errs = append(p.errs, fmt.Errorf("projection %s handles %s twice", p.name, typ))
		return
	}
	p.handlers[typ] = func(ctx context.Context, tx ReadModelTx, env domain.Envelope, ev domain.Event) error {
		e, ok := ev.(E)
		if !ok {
			return fmt.Errorf("projection %s: event %s decoded as %T", p.name, env.Type, ev)
		}
		return fn(ctx, tx, env, e)
	}
}

// Name is the projection's unique name; its checkpoint is stored under it.
func (p *Projection) Name() string { return p.name }

// Err reports the mistakes made while declaring the projection, or nil.
func (p *Projection) Err() error { return errors.Join(p.errs...) }

// Collections lists the collections the projection writes.
func (p *Projection) Collections() []CollectionSpec { return p.collections }

// Handles reports whether events of type typ concern the projection, so
// the runtime can skip decoding the rest.
func (p *Projection) Handles(typ string) bool {
	_, ok := p.handlers[typ]
	return ok
}

// Apply applies one event; events it does not handle are ignored.
func (p *Projection) Apply(ctx context.Context, tx ReadModelTx, env domain.Envelope, ev domain.Event) error {
	h, ok := p.handlers[env.Type]
	if !ok {
		return nil
	}
	return h(ctx, tx, env, ev)
}
