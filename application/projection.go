package application

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	version     int
	previous    *Projection
	collections []CollectionSpec
	handlers    map[string]ProjectionHandler
	errs        []error
	// shared: the projection of a Manifest.Shared module (see share).
	shared bool
}

// NewProjection declares a projection writing the given collections, at
// version 1. A collection name must not hold '@', which VersionedName
// reserves.
//
// Each collection gets the string field TenantField, and every index is
// led by it, so the engine's tenant filter is served by the indexes the
// module declared.
func NewProjection(name string, collections ...CollectionSpec) *Projection {
	scoped := make([]CollectionSpec, len(collections))
	for i, c := range collections {
		scoped[i] = tenantSpec(c)
	}
	p := &Projection{name: name, version: 1, collections: scoped, handlers: map[string]ProjectionHandler{}}
	for _, c := range collections {
		if strings.Contains(c.Name, "@") {
			p.errs = append(p.errs, fmt.Errorf("projection %s: collection %q: '@' is reserved for versions", name, c.Name))
		}
	}
	return p
}

// SetVersion declares the projection's version, 1 unless set. Bump it
// whenever a change of the handlers changes the documents they write:
// the engine then rebuilds the new version into fresh collections in the
// background while the old one keeps serving the views, switches the
// views over once the new one has caught up, and drops the old
// collections (see projections.Runtime). A version below 1 is a mistake,
// recorded in Err.
func (p *Projection) SetVersion(v int) *Projection {
	if v < 1 {
		p.errs = append(p.errs, fmt.Errorf("projection %s: version %d: versions start at 1", p.name, v))
		return p
	}
	p.version = v
	return p
}

// Version is the projection's declared version (SetVersion).
func (p *Projection) Version() int { return p.version }

// Replaces declares old, the version p replaces, for a module that keeps
// the old version's code until the new one serves. While the new version
// is rebuilt in the background, old (if it is the version serving the
// views) keeps following the feed into its own collections, so its views
// stay current, and a reader waiting for its own write is not held up by
// the rebuild. Without it the old version's views stay as they were at
// its last checkpoint until the switch. old must have p's name.
func (p *Projection) Replaces(old *Projection) *Projection {
	if old == nil || old.name != p.name {
		p.errs = append(p.errs, fmt.Errorf("projection %s: the version it replaces must be projection %s", p.name, p.name))
		return p
	}
	p.errs = append(p.errs, old.errs...)
	p.previous = old
	return p
}

// Previous is the version p replaces (Replaces), or nil.
func (p *Projection) Previous() *Projection { return p.previous }

// VersionedName is the name under which version v of a projection keeps
// name (one of its collections, or its checkpoint): name itself for
// version 1, so stores written before versions existed are version 1
// unchanged, and name + "@v" + v for later ones.
func VersionedName(name string, v int) string {
	if v <= 1 {
		return name
	}
	return name + "@v" + strconv.Itoa(v)
}

// share makes p the projection of a Manifest.Shared module: its handlers
// see every tenant's documents, keyed by their ids alone, and write a
// given tenant's with InTenant. Its documents are stamped and its views
// filtered by tenant like any other's.
func (p *Projection) share() { p.shared = true }

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

// Apply applies one event; events it does not handle are ignored. The
// handler sees the read models of the event's tenant only (tenantTx):
// every document it writes is stamped with the tenant and stored under
// the tenant's own key, and its reads and queries reach no other
// tenant's documents. A shared projection's handler sees every tenant's
// documents by their ids, stamps what it writes with the event's tenant,
// and writes another tenant's documents through InTenant.
func (p *Projection) Apply(ctx context.Context, tx ReadModelTx, env domain.Envelope, ev domain.Event) error {
	h, ok := p.handlers[env.Type]
	if !ok {
		return nil
	}
	return h(ctx, tenantTx{tx: tx, tenant: NormalTenant(env.Tenant), scoped: !p.shared}, env, ev)
}
