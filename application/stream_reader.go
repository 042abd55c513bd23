package application

import (
	"context"
	"strings"
)

// StreamOwner says whose a stream is, for principals reading it (GET
// /api/streams/{id}). A module's own streams are its tenant's (TenantKey
// names the tenant); a Shared module, whose stream ids carry no tenant
// that way, tells the engine with Registrar.StreamOwners.
type StreamOwner struct {
	// Tenant is the tenant whose stream it is: only principals working
	// in it read it.
	Tenant string
	// User, when set, is the only user who reads the stream, in whichever
	// tenant it works (a user's own settings); Tenant is then ignored.
	User string
	// Mixed marks a stream whose owner nobody declared: Tenant is read
	// from its id, but it may hold other tenants' events (a Shared
	// module's), so it is readable only where the events are the
	// reader's own (StreamOwner.AdmitsEvents).
	Mixed bool
}

// StreamOwnerFunc tells whose a stream of a Shared module is; ok is false
// for an id the module does not recognise, which is then Mixed.
type StreamOwnerFunc func(stream string) (owner StreamOwner, ok bool)

// StreamOwners declares whose the module's streams are. Only a Shared
// module declares it (else the module fails to load): every other
// module's streams are their tenant's by their ids.
func (r *Registrar) StreamOwners(fn StreamOwnerFunc) { r.owners = fn }

// StreamOwner is whose the stream with id is: the declaration of the
// Shared module whose prefix ("{module}.") it carries, else the tenant
// its id names (SplitTenantKey), Mixed when the stream is a Shared
// module's that declared nothing of it, or of no module loaded.
func (a *App) StreamOwner(id string) StreamOwner {
	module, _, _ := strings.Cut(id, ".")
	a.mu.RLock()
	fn, declared := a.streamOwners[module]
	a.mu.RUnlock()
	if declared {
		if o, ok := fn(id); ok {
			if o.User == "" {
				o.Tenant = NormalTenant(o.Tenant)
			}
			return o
		}
	}
	tenant, _ := SplitTenantKey(id)
	return StreamOwner{Tenant: tenant, Mixed: true}
}

// Admits reports whether the principal in ctx may read the stream at
// all. Without a principal the caller is Go code inside the engine, which
// reads every stream.
func (o StreamOwner) Admits(ctx context.Context) bool {
	p, asked := PrincipalFrom(ctx)
	switch {
	case !asked:
		return true
	case o.User != "":
		return p.UserID == o.User
	}
	return o.Tenant == TenantOf(ctx)
}

// AdmitsEvents reports whether the principal in ctx, whom Admits let in,
// may see events of tenants: a Mixed stream is readable only where all
// are the reader's tenant's.
func (o StreamOwner) AdmitsEvents(ctx context.Context, tenants ...string) bool {
	if _, asked := PrincipalFrom(ctx); !asked || !o.Mixed {
		return true
	}
	for _, t := range tenants {
		if NormalTenant(t) != TenantOf(ctx) {
			return false
		}
	}
	return true
}
