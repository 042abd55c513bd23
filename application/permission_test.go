package application_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// declaring is a module whose manifest and registrations a test chooses.
type declaring struct {
	perms   []application.Permission
	command string // the permission its command needs
	view    string // the permission its view needs
	owner   string // its view's owner field
}

func (m declaring) Manifest() application.Manifest {
	return application.Manifest{Name: "decl", Permissions: m.perms}
}

func (m declaring) Register(r *application.Registrar) error {
	application.RegisterCommand(r, "Do", m.command, func(context.Context, struct{}) (application.Result, error) {
		return application.Result{}, nil
	})
	r.View("list", application.View{Collection: application.CollectionSpec{Name: "decl_list", Fields: []application.FieldSpec{
		{Name: "ownerId", Type: application.String}, {Name: "n", Type: application.Number},
	}}, Permission: m.view, Owner: m.owner})
	return nil
}

func TestModulesMustDeclareThePermissionsTheyUse(t *testing.T) {
	t.Parallel()
	write := application.Permission{Name: "decl.things.write", Description: "w"}
	read := application.Permission{Name: "decl.things.read", Description: "r", ReadOnly: true}
	cases := []struct {
		name string
		m    declaring
		want string // "" loads
	}{
		{"declared", declaring{[]application.Permission{write, read}, write.Name, read.Name, ""}, ""},
		{"an owner field", declaring{[]application.Permission{write, read}, write.Name, read.Name, "ownerId"}, ""},
		{"an undeclared owner field", declaring{[]application.Permission{write, read}, write.Name, read.Name, "owner"}, `owner field "owner" is not a declared string field`},
		{"a number as owner field", declaring{[]application.Permission{write, read}, write.Name, read.Name, "n"}, `owner field "n" is not`},
		{"undeclared command permission", declaring{[]application.Permission{read}, "decl.other", read.Name, ""}, `needs permission "decl.other", which the manifest does not declare`},
		{"empty permission", declaring{[]application.Permission{read}, "", read.Name, ""}, `needs permission ""`},
		{"command needs a read permission", declaring{[]application.Permission{read}, read.Name, read.Name, ""}, "a command must not be open to readers"},
		{"view needs a write permission", declaring{[]application.Permission{write}, write.Name, write.Name, ""}, "a view changes nothing"},
		{"outside the namespace", declaring{[]application.Permission{write, read, {Name: "other.x"}}, write.Name, read.Name, ""}, `permission "other.x" must be`},
		{"declared twice", declaring{[]application.Permission{write, read, write}, write.Name, read.Name, ""}, "declared twice"},
	}
	for _, c := range cases {
		app := application.New(application.Deps{Events: memory.New(), ReadModels: rmmemory.New(), Validator: jsonschema.NewValidator(), NewID: func() string { return "x" }})
		app.Load(c.m)
		st := app.Modules()[0]
		switch {
		case c.want == "" && st.Status != application.StatusRunning:
			t.Errorf("%s: failed: %s", c.name, st.Error)
		case c.want != "" && !strings.Contains(st.Error, c.want):
			t.Errorf("%s: error %q, want it to say %q", c.name, st.Error, c.want)
		}
		if c.want == "" {
			if p, ok := app.Permission(read.Name); !ok || p != read {
				t.Errorf("%s: App.Permission(%s) = %v, %v", c.name, read.Name, p, ok)
			}
		} else if _, ok := app.Permission(read.Name); ok {
			t.Errorf("%s: a failed module's permission is listed", c.name)
		}
	}
}

func TestGrantPatterns(t *testing.T) {
	t.Parallel()
	receive := application.Permission{Name: "warehouse.stock.receive"}
	read := application.Permission{Name: "warehouse.stock.read", ReadOnly: true}
	other := application.Permission{Name: "orders.orders.read", ReadOnly: true}
	cases := []struct {
		grants, scope []string
		perm          application.Permission
		want          bool
	}{
		{[]string{"*"}, nil, receive, true},
		{[]string{"*:read"}, nil, read, true},
		{[]string{"*:read"}, nil, receive, false},
		{[]string{"warehouse.*"}, nil, receive, true},
		{[]string{"warehouse.*"}, nil, other, false},
		{[]string{"warehouse.stock.*"}, nil, read, true},
		{[]string{"warehouse.stock"}, nil, read, false},
		{[]string{"warehouse.stock.read"}, nil, read, true},
		{[]string{"warehouse.stock.read"}, nil, receive, false},
		{[]string{"*"}, []string{"warehouse.stock.read"}, read, true},
		{[]string{"*"}, []string{"warehouse.stock.read"}, receive, false},
		{[]string{"warehouse.stock.read"}, []string{"*"}, receive, false},
		{nil, nil, read, false},
	}
	for _, c := range cases {
		p := application.Principal{Grants: c.grants, Scope: c.scope}
		if got := p.Allows(c.perm); got != c.want {
			t.Errorf("grants %v scope %v on %s: %v, want %v", c.grants, c.scope, c.perm.Name, got, c.want)
		}
	}
}

func TestRolesAuthorizer(t *testing.T) {
	t.Parallel()
	az := application.Roles{}
	perm := application.Permission{Name: "counter.use"}
	access := application.Access{Permission: perm, Resource: "command:counter.Increment"}
	ctx := context.Background()
	if _, err := az.Authorize(ctx, access); err != nil {
		t.Fatalf("Go code without a principal was refused: %v", err)
	}
	_, err := az.Authorize(application.WithPrincipal(ctx, application.AnonymousPrincipal()), access)
	if !errors.Is(err, domain.ErrUnauthenticated) {
		t.Fatalf("anonymous: %v, want unauthenticated", err)
	}
	user := application.Principal{ID: "u1", Kind: application.User, Grants: []string{"counter.read"}}
	if _, err := az.Authorize(application.WithPrincipal(ctx, user), access); !errors.Is(err, domain.ErrForbidden) || !strings.Contains(err.Error(), "counter.use") {
		t.Fatalf("without the permission: %v, want forbidden naming it", err)
	}
	user.Grants = []string{"counter.use"}
	if _, err := az.Authorize(application.WithPrincipal(ctx, user), access); err != nil {
		t.Fatalf("with the permission: %v", err)
	}
}

func TestThePrincipalIsTheActor(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, application.Roles{}, counterModule{name: "counter"})
	appendFirst(t, events, "counter.c-a", "seed-a", "counter.Incremented", `{"by":1}`)
	ctx := application.WithMeta(context.Background(), application.Meta{Actor: "forged", Tenant: "forged"})
	ctx = application.WithPrincipal(ctx, application.Principal{ID: "u7", Kind: application.User, Grants: []string{"counter.use"}})
	if _, err := app.Dispatch(ctx, "counter.Increment", []byte(`{"id":"a","by":1}`)); err != nil {
		t.Fatal(err)
	}
	evs, err := events.ReadAll(context.Background(), 1, 10)
	if err != nil || len(evs) != 1 {
		t.Fatalf("read: %v, %d events", err, len(evs))
	}
	if evs[0].Actor != "u7" || evs[0].Tenant != "" {
		t.Fatalf("actor %q tenant %q, want the principal's u7 and none", evs[0].Actor, evs[0].Tenant)
	}
}

func TestOwnRecordGrantsBecomeQueryFilters(t *testing.T) {
	t.Parallel()
	az := application.Roles{}
	read := application.Permission{Name: "orders.orders.read", ReadOnly: true}
	view := application.Access{Permission: read, Resource: "view:orders.list", Owner: "ownerId"}
	p := application.Principal{ID: "u1", Kind: application.User, UserID: "u1", Grants: []string{"orders.orders.read:own"}, Mates: []string{"u1", "u2"}}
	ctx := application.WithPrincipal(context.Background(), p)
	g, err := az.Authorize(ctx, view)
	if err != nil || len(g.Filters) != 1 || g.Filters[0].Field != "ownerId" || g.Filters[0].Op != application.In ||
		len(g.Filters[0].Values) != 2 || g.Filters[0].Values[0] != "u1" || g.Filters[0].Values[1] != "u2" {
		t.Fatalf("own grant on a view with an owner: %+v %v", g, err)
	}
	// No owner field: the records cannot be told apart, so nothing.
	if _, err := az.Authorize(ctx, application.Access{Permission: read, Resource: "stream:x"}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("own grant without an owner field: %v", err)
	}
	// The whole permission needs no filter; a module pattern works too.
	for _, grants := range [][]string{{"orders.orders.read"}, {"orders.*"}, {"*:read"}} {
		p.Grants = grants
		if g, err := az.Authorize(application.WithPrincipal(context.Background(), p), view); err != nil || g.Filters != nil {
			t.Fatalf("grants %v: %+v %v", grants, g, err)
		}
	}
	p.Grants = []string{"orders.*:own"}
	if g, err := az.Authorize(application.WithPrincipal(context.Background(), p), view); err != nil || len(g.Filters) != 1 {
		t.Fatalf("a module pattern on own records: %+v %v", g, err)
	}
	// A token scoped to own records narrows a user who may read all.
	p.Grants, p.Scope = []string{"*"}, []string{"orders.orders.read:own"}
	if g, err := az.Authorize(application.WithPrincipal(context.Background(), p), view); err != nil || len(g.Filters) != 1 {
		t.Fatalf("a token scoped to own records: %+v %v", g, err)
	}
	// "*:own" is not a grant: it would be everything on one's records.
	p.Grants, p.Scope = []string{"*:own"}, nil
	if _, err := az.Authorize(application.WithPrincipal(context.Background(), p), view); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("*:own: %v", err)
	}
}
