package main

import (
	"net/http"
	"slices"
	"testing"
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
