package main

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// userVersion is the version of user id in token's identity.users.
func (r *tenantRig) userVersion(token, id string) string {
	r.t.Helper()
	if err := r.e.projections.CatchUp(context.Background()); err != nil {
		r.t.Fatal(err)
	}
	var p page
	if code := r.call("GET", "/api/views/identity.users?filter[id]="+id, token, "", &p); code != http.StatusOK || len(p.Items) != 1 {
		r.t.Fatalf("identity.users of %s: %d %v", id, code, p.Items)
	}
	v, _ := p.Items[0]["version"].(float64)
	return strconv.FormatUint(uint64(v), 10)
}

// ifMatch sends a command with If-Match version and returns the status
// and the ETag.
func (r *tenantRig) ifMatch(token, command, body, version string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest("POST", r.srv.URL+"/api/commands/"+command, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("If-Match", `"`+version+`"`)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode, strings.Trim(res.Header.Get("ETag"), `"`)
}

// TestAUsersVersionOverHTTPIsTheTenants: carol belongs to acme and
// globex. globex's administrator changing her moves neither the version
// acme's administrator reads in identity.users nor what acme's If-Match
// is compared with; acme's change answers acme's next version as ETag,
// and a rename, which both see, makes globex's old ETag stale.
func TestAUsersVersionOverHTTPIsTheTenants(t *testing.T) {
	t.Parallel()
	r := newTenantRig(t)
	carol := identity.UserID("carol@acme.example")
	inAcme := application.SystemPrincipal("test")
	inAcme.Tenant = "acme"
	ctx := application.WithPrincipal(context.Background(), inAcme)
	if err := r.e.send(ctx, "identity.CreateUser", identity.CreateUser{Email: "carol@acme.example", DisplayName: "Carol"}); err != nil {
		t.Fatal(err)
	}
	if err := r.e.send(ctx, "identity.AddToTenant", identity.AddToTenant{UserID: carol, Tenant: "globex"}); err != nil {
		t.Fatal(err)
	}
	seen := r.userVersion(r.alice, carol)
	code, globexTag := r.ifMatch(r.bob, "identity.GrantRole", `{"userId":"`+carol+`","role":"auditor"}`, r.userVersion(r.bob, carol))
	if code != http.StatusOK {
		t.Fatalf("globex granting carol: %d", code)
	}
	if now := r.userVersion(r.bob, carol); now != globexTag {
		t.Fatalf("globex's grant answered ETag %s, its view shows %s", globexTag, now)
	}
	if now := r.userVersion(r.alice, carol); now != seen {
		t.Fatalf("acme reads carol at version %s after globex's grant, was %s", now, seen)
	}
	code, acmeTag := r.ifMatch(r.alice, "identity.RenameUser", `{"userId":"`+carol+`","displayName":"Carol C."}`, seen)
	if code != http.StatusOK {
		t.Fatalf("acme renaming carol with If-Match %s after globex's grant: %d, want 200", seen, code)
	}
	if now := r.userVersion(r.alice, carol); now != acmeTag || now == seen {
		t.Fatalf("acme's rename answered ETag %s, its view shows %s (was %s)", acmeTag, now, seen)
	}
	if code, _ := r.ifMatch(r.bob, "identity.JoinTeam", `{"userId":"`+carol+`","team":"south"}`, globexTag); code != http.StatusConflict {
		t.Fatalf("globex's If-Match %s after acme's rename: %d, want 409", globexTag, code)
	}
}
