package identity_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/identity"
)

// ifMatch is ctx sending its commands with If-Match v.
func ifMatch(ctx context.Context, v uint64) context.Context {
	m := application.MetaFrom(ctx)
	m.ExpectedVersion = &v
	return application.WithMeta(ctx, m)
}

// versionOf is the version field of the document of view with field =
// value that ctx sees.
func versionOf(ctx context.Context, t *testing.T, e *testkit.Engine, view, field, value string) uint64 {
	t.Helper()
	if err := e.Projections.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	page, err := e.App.QueryView(ctx, view, application.Query{Filters: []application.Filter{{Field: field, Op: application.Eq, Value: value}}})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("%s %s=%s: %v %s", view, field, value, err, page.Items)
	}
	var doc struct{ Version uint64 }
	if err := json.Unmarshal(page.Items[0], &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Version
}

// TestAUsersVersionIsPerTenant: a user of two tenants has a version in
// each that moves with what that tenant sees only, so one tenant's
// changes show no activity in the other, and If-Match in one tenant is
// compared with that tenant's version: not refused because of the
// other's change, refused after its own.
func TestAUsersVersionIsPerTenant(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	send := e.Dispatch
	ann := identity.UserID("ann@example.com")
	acme, globex := adminOf("acme"), adminOf("globex")
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "ann@example.com", DisplayName: "Ann"})
	mustSend(system("acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "globex"})
	mustSend(acme, t, send, "identity.JoinTeam", identity.JoinTeam{UserID: ann, Team: "north"})
	seen := versionOf(acme, t, e, "identity.users", "id", ann)
	// globex's changes, a password and a token move no version acme sees.
	mustSend(globex, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "auditor"})
	mustSend(globex, t, send, "identity.JoinTeam", identity.JoinTeam{UserID: ann, Team: "south"})
	if err := dir.PasswordChanged(system("acme"), ann); err != nil {
		t.Fatal(err)
	}
	tok := application.APIToken{ID: "tok-g", UserID: ann, Name: "g", Permissions: []string{}, ExpiresAt: time.Now().Add(time.Hour), SecretHash: "x"}
	if err := dir.IssueToken(system("globex"), tok); err != nil {
		t.Fatal(err)
	}
	if v := versionOf(acme, t, e, "identity.users", "id", ann); v != seen {
		t.Fatalf("acme sees ann at version %d after globex's changes, was %d", v, seen)
	}
	inGlobex := versionOf(globex, t, e, "identity.users", "id", ann)
	if inGlobex == seen {
		t.Fatalf("globex's changes moved no version globex sees (%d)", inGlobex)
	}
	// acme's If-Match from its own view holds, and the answer is acme's
	// next version, the one its view shows next.
	res, err := send(ifMatch(acme, seen), "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "admin"})
	if err != nil {
		t.Fatalf("acme's If-Match %d after globex's changes: %v", seen, err)
	}
	if now := versionOf(acme, t, e, "identity.users", "id", ann); res.Version != seen+1 || now != res.Version {
		t.Fatalf("acme's grant answered version %d, acme's view shows %d, want %d", res.Version, now, seen+1)
	}
	// A profile change moves every tenant's version; the stale If-Match
	// of either is refused.
	mustSend(acme, t, send, "identity.RenameUser", identity.RenameUser{UserID: ann, DisplayName: "Ann L."})
	for ctx, stale := range map[context.Context]uint64{acme: res.Version, globex: inGlobex} {
		if _, err := send(ifMatch(ctx, stale), "identity.LeaveTeam", identity.LeaveTeam{UserID: ann, Team: "north"}); code(err) != "version_conflict" {
			t.Fatalf("a stale If-Match %d after a rename: %v", stale, err)
		}
	}
	if v := versionOf(globex, t, e, "identity.users", "id", ann); v != inGlobex+1 {
		t.Fatalf("globex sees ann at %d after the rename, want %d", v, inGlobex+1)
	}
	// The rebuilt view counts the same.
	if _, err := e.Projections.Rebuild(context.Background(), "identity.users"); err != nil {
		t.Fatal(err)
	}
	if v := versionOf(acme, t, e, "identity.users", "id", ann); v != res.Version+1 {
		t.Fatalf("rebuilt: acme sees ann at %d, want %d", v, res.Version+1)
	}
}

// TestARolesVersionIsItsTenants: a role's version counts its tenant's
// definitions only. The default tenant's role stream holds another
// tenant's definition from before roles were per tenant; neither the
// version the default tenant sees nor its If-Match counts it.
func TestARolesVersionIsItsTenants(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	for i, tenant := range []string{"", "acme"} {
		env := domain.Envelope{ID: "old-" + strconv.Itoa(i), Type: "identity.RoleDefined", SchemaVersion: 1, Tenant: tenant,
			Data: []byte(`{"role":"clerk","description":"","permissions":["warehouse.*"]}`)}
		if _, err := e.Events.Append(context.Background(), "identity.role-clerk", domain.AnyVersion, []domain.Envelope{env}); err != nil {
			t.Fatal(err)
		}
	}
	admin := adminOf(application.DefaultTenant)
	if v := versionOf(admin, t, e, "identity.roles", "role", "clerk"); v != 1 {
		t.Fatalf("the default tenant's clerk at version %d, want 1", v)
	}
	if _, err := e.Dispatch(ifMatch(admin, 2), "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"orders.*"}}); code(err) != "version_conflict" {
		t.Fatalf("If-Match 2 on a clerk at 1: %v", err)
	}
	res, err := e.Dispatch(ifMatch(admin, 1), "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"orders.*"}})
	if err != nil || res.Version != 2 {
		t.Fatalf("If-Match 1 on the clerk at 1: %+v %v", res, err)
	}
	if v := versionOf(admin, t, e, "identity.roles", "role", "clerk"); v != 2 {
		t.Fatalf("the default tenant's clerk at version %d after its redefinition, want 2", v)
	}
}
