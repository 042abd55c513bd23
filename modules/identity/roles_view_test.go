package identity_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/identity"
)

// rolesOf queries identity.roles as ctx with q, page by page, and
// returns the documents in the order the pages gave them.
func rolesOf(ctx context.Context, t *testing.T, app *application.App, q application.Query) []identity.RoleRow {
	t.Helper()
	var out []identity.RoleRow
	for {
		page, err := app.QueryView(ctx, "identity.roles", q)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range page.Items {
			var r identity.RoleRow
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		if page.Next == "" {
			return out
		}
		q.Cursor = page.Next
	}
}

// TestTheBuiltInRolesAreListedInEveryTenant: a tenant's identity.roles
// shows admin and auditor, marked built-in with what they grant, beside
// the roles the tenant defined, through filters, sort and cursors alike;
// an old definition of a built-in name changes nothing, as for the
// Directory, and a rebuild gives the same.
func TestTheBuiltInRolesAreListedInEveryTenant(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	mustSend(system("acme"), t, e.Dispatch, "identity.CreateUser", identity.CreateUser{Email: "ann@example.com", DisplayName: "Ann"})
	mustSend(adminOf("acme"), t, e.Dispatch, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.*"}})
	mustSend(adminOf("globex"), t, e.Dispatch, "identity.DefineRole", identity.DefineRole{Role: "buyer", Permissions: []string{"orders.*"}})
	old := domain.Envelope{ID: "old-admin", Type: "identity.RoleDefined", SchemaVersion: 1, Tenant: "acme",
		Data: []byte(`{"role":"admin","description":"","permissions":["warehouse.*"]}`)}
	if _, err := e.Events.Append(context.Background(), "identity.role-admin", domain.AnyVersion, []domain.Envelope{old}); err != nil {
		t.Fatal(err)
	}
	check := func(what string) {
		t.Helper()
		if err := e.Projections.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		acme := adminOf("acme")
		desc := rolesOf(acme, t, e.App, application.Query{Limit: 1, Sort: []application.SortKey{{Field: "role", Desc: true}}})
		var names []string
		for _, r := range desc {
			names = append(names, r.Role)
			perms, builtIn := map[string][]string{"admin": {"*"}, "auditor": {"*:read"}}[r.Role]
			if !builtIn {
				perms = []string{"warehouse.*"}
			}
			if r.BuiltIn != builtIn || !slices.Equal(r.Permissions, perms) || builtIn && (r.Description == "" || r.Version != 0) {
				t.Errorf("%s: acme's %s: %+v", what, r.Role, r)
			}
		}
		if !slices.Equal(names, []string{"clerk", "auditor", "admin"}) {
			t.Errorf("%s: acme's roles, descending one a page: %q", what, names)
		}
		for _, f := range []struct {
			filter application.Filter
			want   []string
		}{
			{application.Filter{Field: "builtIn", Op: application.Eq, Value: true}, []string{"admin", "auditor"}},
			{application.Filter{Field: "builtIn", Op: application.Eq, Value: false}, []string{"clerk"}},
			{application.Filter{Field: "role", Op: application.Eq, Value: "auditor"}, []string{"auditor"}},
			{application.Filter{Field: "role", Op: application.Eq, Value: "buyer"}, nil},
		} {
			var got []string
			for _, r := range rolesOf(acme, t, e.App, application.Query{Filters: []application.Filter{f.filter}}) {
				got = append(got, r.Role)
			}
			n, err := e.App.CountView(acme, "identity.roles", []application.Filter{f.filter})
			if !slices.Equal(got, f.want) || err != nil || n != int64(len(f.want)) {
				t.Errorf("%s: acme's roles with %+v: %q, counted %d (%v), want %q", what, f.filter, got, n, err, f.want)
			}
		}
		if got := listed(adminOf("globex"), t, e, "identity.roles", "role"); !slices.Equal(got, []string{"admin", "auditor", "buyer"}) {
			t.Errorf("%s: globex's roles: %q", what, got)
		}
	}
	check("at first")
	if _, err := e.Projections.Rebuild(context.Background(), "identity.roles"); err != nil {
		t.Fatal(err)
	}
	check("after a rebuild")
}
