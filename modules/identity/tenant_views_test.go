package identity_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// auditorOf acts as a user holding the built-in auditor's grant in
// tenant.
func auditorOf(tenant string) context.Context {
	return application.WithPrincipal(context.Background(), application.Principal{ID: "u-auditor-" + tenant, Kind: application.User,
		UserID: "u-auditor-" + tenant, Tenant: tenant, Tenants: []string{tenant}, Grants: []string{application.ReadPermissions}})
}

// listed reads every document of view as ctx sees it, page by page, as
// "key=roles/teams" for users and "key" for the rest, sorted.
func listed(ctx context.Context, t *testing.T, e *testkit.Engine, view, key string) []string {
	t.Helper()
	if err := e.Projections.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []string
	q := application.Query{Limit: 2}
	for {
		page, err := e.App.QueryView(ctx, view, q)
		if err != nil {
			t.Fatalf("%s: %v", view, err)
		}
		for _, raw := range page.Items {
			var doc map[string]any
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			s, _ := doc[key].(string)
			if view == "identity.users" {
				s += "=" + jsonOf(doc["roles"]) + "/" + jsonOf(doc["teams"])
			}
			out = append(out, s)
		}
		if page.Next == "" {
			break
		}
		q.Cursor = page.Next
	}
	if n, err := e.App.CountView(ctx, view, nil); err != nil || n != int64(len(out)) {
		t.Fatalf("%s counts %d (%v), lists %d", view, n, err, len(out))
	}
	slices.Sort(out)
	return out
}

func jsonOf(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// TestIdentityViewsShowTheTenantsOwn: the identity module is shared, but
// a tenant's administrator or auditor lists the users, roles and tokens
// of that tenant only, a user with the roles and teams held there.
func TestIdentityViewsShowTheTenantsOwn(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	send := e.Dispatch
	ann, cat := identity.UserID("ann@example.com"), identity.UserID("cat@example.com")
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "ann@example.com", DisplayName: "Ann"})
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "bob@example.com", DisplayName: "Bob"})
	mustSend(system("globex"), t, send, "identity.CreateUser", identity.CreateUser{Email: "cat@example.com", DisplayName: "Cat", Roles: []string{"admin"}})
	mustSend(system("acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "globex"})
	acme, globex := adminOf("acme"), adminOf("globex")
	mustSend(acme, t, send, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.*"}})
	mustSend(globex, t, send, "identity.DefineRole", identity.DefineRole{Role: "buyer", Permissions: []string{"orders.*"}})
	mustSend(acme, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "clerk"})
	mustSend(acme, t, send, "identity.JoinTeam", identity.JoinTeam{UserID: ann, Team: "north"})
	mustSend(globex, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "buyer"})
	for tenant, id := range map[string]string{"acme": ann, "globex": cat} {
		tok := application.APIToken{ID: "tok-" + tenant, UserID: id, Name: tenant, Permissions: []string{}, ExpiresAt: time.Now().Add(time.Hour), SecretHash: "x"}
		if err := dir.IssueToken(system(tenant), tok); err != nil {
			t.Fatal(err)
		}
	}
	mustSend(acme, t, send, "identity.RenameUser", identity.RenameUser{UserID: ann, DisplayName: "Ann L."})

	want := map[string]map[string][]string{
		"acme": {
			"identity.users":  {`ann@example.com=["clerk"]/["north"]`, `bob@example.com=[]/[]`},
			"identity.roles":  {"admin", "auditor", "clerk"},
			"identity.tokens": {"tok-acme"},
		},
		"globex": {
			"identity.users":  {`ann@example.com=["buyer"]/[]`, `cat@example.com=["admin"]/[]`},
			"identity.roles":  {"admin", "auditor", "buyer"},
			"identity.tokens": {"tok-globex"},
		},
		"initech": {"identity.users": nil, "identity.roles": nil, "identity.tokens": nil},
	}
	keys := map[string]string{"identity.users": "email", "identity.roles": "role", "identity.tokens": "id"}
	check := func(what string) {
		t.Helper()
		for tenant, views := range want {
			for _, ctx := range []context.Context{adminOf(tenant), auditorOf(tenant)} {
				for view, rows := range views {
					if got := listed(ctx, t, e, view, keys[view]); !slices.Equal(got, rows) {
						t.Errorf("%s: %s in %s lists %q, want %q", what, view, tenant, got, rows)
					}
				}
			}
		}
	}
	check("at first")
	// The rename shows in every tenant of ann's.
	for _, tenant := range []string{"acme", "globex"} {
		page, err := e.App.QueryView(adminOf(tenant), "identity.users", application.Query{Filters: []application.Filter{{Field: "id", Op: application.Eq, Value: ann}}})
		if err != nil || len(page.Items) != 1 || !strings.Contains(string(page.Items[0]), `"displayName":"Ann L."`) {
			t.Fatalf("ann in %s: %v %s", tenant, err, page.Items)
		}
	}
	// A filter on another tenant's values finds nothing.
	page, err := e.App.QueryView(adminOf("acme"), "identity.users", application.Query{Filters: []application.Filter{{Field: "email", Op: application.Eq, Value: "cat@example.com"}}})
	if err != nil || len(page.Items) != 0 {
		t.Fatalf("acme filtering on globex's cat: %v %s", err, page.Items)
	}
	// ann leaving globex leaves globex's list.
	mustSend(system("acme"), t, send, "identity.RemoveFromTenant", identity.RemoveFromTenant{UserID: ann, Tenant: "globex"})
	want["globex"]["identity.users"] = []string{`cat@example.com=["admin"]/[]`}
	check("after ann left globex")
	// A rebuild from the events gives the same.
	for _, name := range []string{"identity.users", "identity.roles", "identity.tokens"} {
		if _, err := e.Projections.Rebuild(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	check("after a rebuild")
}
