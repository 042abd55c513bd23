package application_test

import (
	"context"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
)

// owning is a module that declares whose its streams are: "owning.t-{T}"
// is tenant T's, "owning.u-{U}" user U's.
type owning struct{ shared bool }

func (m owning) Manifest() application.Manifest {
	return application.Manifest{Name: "owning", Shared: m.shared}
}

func (owning) Register(r *application.Registrar) error {
	r.StreamOwners(func(id string) (application.StreamOwner, bool) {
		if t, ok := strings.CutPrefix(id, "owning.t-"); ok {
			return application.StreamOwner{Tenant: t}, true
		}
		if u, ok := strings.CutPrefix(id, "owning.u-"); ok {
			return application.StreamOwner{User: u}, true
		}
		return application.StreamOwner{}, false
	})
	return nil
}

// TestStreamOwners: a Shared module's declaration decides who reads its
// streams, an id it does not recognise is Mixed, a module not Shared
// cannot declare, and Go code inside the engine reads every stream.
func TestStreamOwners(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil, owning{shared: true})
	as := func(tenant, user string) context.Context {
		return application.WithPrincipal(context.Background(), application.Principal{Kind: application.User, ID: "user:" + user, UserID: user, Tenant: tenant})
	}
	acmeAlice, acmeCarol, globexBob := as("acme", "alice"), as("acme", "carol"), as("globex", "bob")
	for _, c := range []struct {
		id      string
		readers []context.Context
		others  []context.Context
	}{
		{"owning.t-acme", []context.Context{acmeAlice, acmeCarol}, []context.Context{globexBob}},
		{"owning.u-alice", []context.Context{acmeAlice, as("globex", "alice")}, []context.Context{acmeCarol, globexBob}},
		{"counter.c-1~globex", []context.Context{globexBob}, []context.Context{acmeAlice}},
	} {
		o := app.StreamOwner(c.id)
		for _, ctx := range c.readers {
			if !o.Admits(ctx) {
				t.Errorf("%s (%+v) refuses %s", c.id, o, application.TenantOf(ctx))
			}
		}
		for _, ctx := range c.others {
			if o.Admits(ctx) {
				t.Errorf("%s (%+v) admits %s", c.id, o, application.TenantOf(ctx))
			}
		}
		if !o.Admits(context.Background()) {
			t.Errorf("%s refuses Go code inside the engine", c.id)
		}
	}
	if o := app.StreamOwner("owning.other"); !o.Mixed || o.Tenant != application.DefaultTenant || o.AdmitsEvents(acmeAlice, "acme", "globex") || !o.AdmitsEvents(acmeAlice, "acme") {
		t.Errorf("an id the module does not recognise: %+v", o)
	}
	if o := app.StreamOwner("owning.t-acme"); o.Mixed || !o.AdmitsEvents(acmeAlice, "globex") {
		t.Errorf("a declared stream's events decide nothing: %+v", o)
	}
	unshared, _ := newApp(t, nil, owning{})
	if st := unshared.Modules(); len(st) != 1 || st[0].Status != application.StatusFailed || !strings.Contains(st[0].Error, "not Shared") {
		t.Errorf("a module not Shared declaring owners: %+v", st)
	}
}
