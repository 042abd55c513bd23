package identity_test

import (
	"testing"

	"github.com/webos-engine/webos/modules/identity"
)

// TestIfMatchOnAnotherTenantsUserIsAMissingOne: a command with If-Match on
// a user of another tenant is answered as one on a user that does not
// exist, whatever the If-Match: not a version conflict, which told that
// the email is registered (user ids are the emails' hashes) and its
// profile's version.
func TestIfMatchOnAnotherTenantsUserIsAMissingOne(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	send := e.Dispatch
	mustSend(system("globex"), t, send, "identity.CreateUser", identity.CreateUser{Email: "gus@example.com", DisplayName: "Gus"})
	gus, nobody := identity.UserID("gus@example.com"), identity.UserID("nobody@example.com")
	acme := adminOf("acme")
	for _, tc := range []struct {
		name string
		body func(id string) any
	}{
		{"identity.RenameUser", func(id string) any { return identity.RenameUser{UserID: id, DisplayName: "X"} }},
		{"identity.GrantRole", func(id string) any { return identity.GrantRole{UserID: id, Role: "auditor"} }},
	} {
		_, missing := send(ifMatch(acme, 7), tc.name, tc.body(nobody))
		_, other := send(ifMatch(acme, 7), tc.name, tc.body(gus))
		if code(missing) != "not_found" || code(other) != code(missing) {
			t.Errorf("%s with If-Match: on globex's user %v, on a missing one %v; want the same not-found answer", tc.name, other, missing)
		}
	}
}
