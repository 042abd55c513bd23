package main_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/webos-engine/webos/modules/identity"
)

// TestAReEnabledUsersTokensStayRevoked gives a user a role that may grant
// roles (they cannot grant admin with it), then disables them over HTTP
// on the real binary and enables them again: their API token stopped at
// the disabling and does not come back.
func TestAReEnabledUsersTokensStayRevoked(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	adminToken(t, dir)
	const bob = "bob@test.example"
	if out, err := exec.Command(binary(t), "admin", "create-user", "--data-dir", dir, "--email", bob, "--role", "auditor").CombinedOutput(); err != nil {
		t.Fatalf("create-user: %v %s", err, out)
	}
	out, err := exec.Command(binary(t), "admin", "create-token", "--data-dir", dir, "--email", bob, "--name", "bob").Output()
	if err != nil {
		t.Fatal(err)
	}
	bearer := map[string]string{"Authorization": "Bearer " + strings.TrimSpace(string(out))}
	p := serve(t, dir)
	read := func() int {
		code, _, _ := p.do("GET", "/api/views/identity.users", "", bearer)
		return code
	}
	if got := read(); got != http.StatusOK {
		t.Fatalf("bob's token before: %d", got)
	}
	id := `{"userId":"` + identity.UserID(bob) + `"}`
	// Granting is capped: bob may grant roles, those he holds all of
	// (auditor, granter), not admin.
	p.command("identity.DefineRole", `{"role":"granter","description":"grants roles","permissions":["identity.roles.grant","identity.users.read"]}`)
	p.command("identity.GrantRole", `{"userId":"`+identity.UserID(bob)+`","role":"granter"}`)
	for _, role := range []string{"admin", "auditor", "granter"} {
		code, body, _ := p.do("POST", "/api/commands/identity.GrantRole", `{"userId":"`+identity.UserID(testAdmin)+`","role":"`+role+`"}`, bearer)
		if want := map[bool]int{true: http.StatusOK, false: http.StatusForbidden}[role != "admin"]; code != want {
			t.Fatalf("bob grants %s: %d %v", role, code, body)
		}
	}
	p.command("identity.DisableUser", id)
	if got := read(); got != http.StatusUnauthorized {
		t.Fatalf("bob's token after the disabling: %d", got)
	}
	p.command("identity.EnableUser", id)
	if got := read(); got != http.StatusUnauthorized {
		t.Fatalf("bob's token after enabling bob again: %d", got)
	}
	p.stop()
}
