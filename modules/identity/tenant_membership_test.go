package identity_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/identity"
)

// asUserIn is the principal of userID working in tenant, with the grants
// it holds there, as a session would be.
func asUserIn(t *testing.T, dir *identity.Directory, userID, tenant string) context.Context {
	t.Helper()
	acc, ok := dir.Account(context.Background(), userID)
	if !ok {
		t.Fatalf("no account %s", userID)
	}
	p := application.Principal{ID: userID, Kind: application.User, UserID: userID, Tenant: tenant,
		Tenants: acc.TenantList(), Grants: acc.In(tenant).Grants}
	return application.WithPrincipal(context.Background(), p)
}

// Membership of a tenant is changed only by someone who may manage users
// there: an administrator of acme who merely belongs to globex (no role
// there) can neither remove globex's administrator from globex nor add
// anyone to it; once made an administrator of globex, it can.
func TestMembershipChangesNeedTheRightInTheTargetTenant(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	send := e.Dispatch
	eve, bob, mal := identity.UserID("eve@example.com"), identity.UserID("bob@example.com"), identity.UserID("mal@example.com")
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "eve@example.com", DisplayName: "Eve", Roles: []string{"admin"}})
	mustSend(system("acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: eve, Tenant: "globex"})
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "bob@example.com", DisplayName: "Bob"})
	mustSend(system("acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: bob, Tenant: "globex"})
	mustSend(system("globex"), t, send, "identity.GrantRole", identity.GrantRole{UserID: bob, Role: "admin"})
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "mal@example.com", DisplayName: "Mal"})
	before := holds(t, dir, bob, "globex")

	ctx := asUserIn(t, dir, eve, "acme")
	for name, body := range map[string]any{
		"identity.RemoveFromTenant": identity.RemoveFromTenant{UserID: bob, Tenant: "globex"},
		"identity.AddToTenant":      identity.AddToTenant{UserID: mal, Tenant: "globex"},
	} {
		if _, err := send(ctx, name, body); domain.KindOf(err) != domain.KindNotFound {
			t.Errorf("%s into globex by acme's admin: %v, want not found", name, err)
		}
	}
	if got := holds(t, dir, bob, "globex"); got != before {
		t.Errorf("bob in globex changed from %q to %q", before, got)
	}
	if m, _ := dir.Account(context.Background(), mal); m.MemberOf("globex") {
		t.Error("mal was added to globex")
	}

	mustSend(system("globex"), t, send, "identity.GrantRole", identity.GrantRole{UserID: eve, Role: "admin"})
	mustSend(asUserIn(t, dir, eve, "acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: mal, Tenant: "globex"})
	if m, _ := dir.Account(context.Background(), mal); !m.MemberOf("globex") {
		t.Error("an administrator of both tenants could not add mal to globex")
	}
}
