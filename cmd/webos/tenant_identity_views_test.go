package main

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// TestATenantsRolesListTheBuiltInOnes: acme's administrator lists
// acme's roles over HTTP: the built-in admin and auditor, marked so and
// with what they grant, and none of globex's; a filter on one finds it.
func TestATenantsRolesListTheBuiltInOnes(t *testing.T) {
	t.Parallel()
	r := newTenantRig(t)
	if code := r.call("POST", "/api/commands/identity.DefineRole", r.bob, `{"role":"buyer","description":"","permissions":["orders.*"]}`, nil); code != http.StatusOK {
		t.Fatalf("globex defining buyer: %d", code)
	}
	if err := r.e.projections.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	for query, want := range map[string][]string{
		"?sort=role":             {"admin", "auditor"},
		"?filter[builtIn]=true":  {"admin", "auditor"},
		"?filter[role]=auditor":  {"auditor"},
		"?filter[role]=buyer":    nil,
		"?filter[builtIn]=false": nil,
		"?sort=-role&limit=1":    {"auditor"},
	} {
		var p page
		if code := r.call("GET", "/api/views/identity.roles"+query, r.alice, "", &p); code != http.StatusOK {
			t.Fatalf("acme's roles %s: %d", query, code)
		}
		var got []string
		for _, row := range p.Items {
			role, _ := row["role"].(string)
			got = append(got, role)
			perms, _ := row["permissions"].([]any)
			if row["builtIn"] != true || len(perms) != 1 || perms[0] != map[string]string{"admin": "*", "auditor": "*:read"}[role] {
				t.Errorf("acme's %s: %v", role, row)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("acme's roles %s: %q, want %q", query, got, want)
		}
	}
}

// TestRemovingAUserFromATenantEndsItsTokensThere: globex's
// administrator removes carol from globex; carol's globex token is
// refused at once and listed revoked in globex's identity.tokens, her
// acme token still works.
func TestRemovingAUserFromATenantEndsItsTokensThere(t *testing.T) {
	t.Parallel()
	r := newTenantRig(t)
	carol := identity.UserID("carol@acme.example")
	in := func(tenant string) context.Context {
		p := application.SystemPrincipal("test")
		p.Tenant = tenant
		return application.WithPrincipal(context.Background(), p)
	}
	if err := r.e.send(in("acme"), "identity.CreateUser", identity.CreateUser{Email: "carol@acme.example", DisplayName: "Carol", Roles: []string{identity.RoleAuditor}}); err != nil {
		t.Fatal(err)
	}
	if err := r.e.send(in("acme"), "identity.AddToTenant", identity.AddToTenant{UserID: carol, Tenant: "globex"}); err != nil {
		t.Fatal(err)
	}
	if err := r.e.send(in("globex"), "identity.GrantRole", identity.GrantRole{UserID: carol, Role: identity.RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, tenant := range []string{"acme", "globex"} {
		tok, err := r.e.auth.IssueToken(in(tenant), carol, tenant, nil, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tokens[tenant] = tok.Secret
		if code := r.call("GET", "/api/views/identity.users", tok.Secret, "", nil); code != http.StatusOK {
			t.Fatalf("carol's %s token: %d", tenant, code)
		}
	}
	if code := r.call("POST", "/api/commands/identity.RemoveFromTenant", r.bob, `{"userId":"`+carol+`","tenant":"globex"}`, nil); code != http.StatusOK {
		t.Fatalf("globex removing carol: %d", code)
	}
	if code, problem := r.answer("GET", "/api/views/identity.users", tokens["globex"], ""); code != http.StatusUnauthorized || problem != "invalid_token" {
		t.Errorf("carol's globex token after she left globex: %d %s, want 401 invalid_token", code, problem)
	}
	if code := r.call("GET", "/api/views/identity.users", tokens["acme"], "", nil); code != http.StatusOK {
		t.Errorf("carol's acme token after she left globex: %d, want 200", code)
	}
	if err := r.e.projections.CatchUp(t.Context()); err != nil {
		t.Fatal(err)
	}
	var p page
	if code := r.call("GET", "/api/views/identity.tokens?filter[userId]="+carol, r.bob, "", &p); code != http.StatusOK || len(p.Items) != 1 || p.Items[0]["revoked"] != true {
		t.Errorf("globex's identity.tokens of carol: %d %v, want one, revoked", code, p.Items)
	}
	if code := r.call("GET", "/api/views/identity.tokens?filter[userId]="+carol+"&filter[revoked]=false", r.alice, "", &p); code != http.StatusOK || len(p.Items) != 1 {
		t.Errorf("acme's active tokens of carol: %d %v, want one", code, p.Items)
	}
}
