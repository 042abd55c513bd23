package identity_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/identity"
)

// system acts as the engine itself working in tenant (the admin CLI).
func system(tenant string) context.Context {
	p := application.SystemPrincipal("test")
	p.Tenant = tenant
	return application.WithPrincipal(context.Background(), p)
}

// adminOf acts as a user holding every permission in tenant.
func adminOf(tenant string) context.Context {
	return application.WithPrincipal(context.Background(), application.Principal{ID: "u-admin-" + tenant, Kind: application.User,
		UserID: "u-admin-" + tenant, Tenant: tenant, Tenants: []string{tenant}, Grants: []string{"*"}})
}

func mustSend(ctx context.Context, t *testing.T, send func(context.Context, string, any) (application.Result, error), name string, body any) {
	t.Helper()
	if _, err := send(ctx, name, body); err != nil {
		t.Fatalf("%s %+v: %v", name, body, err)
	}
}

// holds is what the user holds in tenant: "roles | grants | teams".
func holds(t *testing.T, dir *identity.Directory, id, tenant string) string {
	t.Helper()
	acc, ok := dir.Account(context.Background(), id)
	if !ok {
		t.Fatalf("no user %s", id)
	}
	in := acc.In(tenant)
	return strings.Join(in.Roles, ",") + " | " + strings.Join(in.Grants, ",") + " | " + strings.Join(in.Teams, ",")
}

// TestRolesAndGrantsArePerTenant: a role defined in one tenant is not
// another's role of the same name, and a grant or team made in one
// tenant holds there only, even for a user of both.
func TestRolesAndGrantsArePerTenant(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	send := e.Dispatch
	ann := identity.UserID("ann@example.com")
	mustSend(system("acme"), t, send, "identity.CreateUser", identity.CreateUser{Email: "ann@example.com", DisplayName: "Ann"})
	mustSend(system("acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "globex"})
	acme, globex := adminOf("acme"), adminOf("globex")
	mustSend(acme, t, send, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.*"}})
	mustSend(globex, t, send, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"orders.*"}})
	mustSend(globex, t, send, "identity.DefineRole", identity.DefineRole{Role: "buyer", Permissions: []string{"orders.orders.place"}})
	// acme's administrator grants in acme only, and knows acme's roles only.
	mustSend(acme, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "clerk"})
	mustSend(acme, t, send, "identity.JoinTeam", identity.JoinTeam{UserID: ann, Team: "north"})
	if _, err := send(acme, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "buyer"}); code(err) != "invalid" {
		t.Fatalf("acme granting globex's role buyer: %v, want invalid", err)
	}
	if got := holds(t, dir, ann, "acme"); got != "clerk | warehouse.* | north" {
		t.Fatalf("ann in acme: %s", got)
	}
	if got := holds(t, dir, ann, "globex"); got != " |  | " {
		t.Fatalf("ann in globex after acme's grants: %s", got)
	}
	// acme redefining its clerk leaves globex's alone.
	mustSend(acme, t, send, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.stock.read"}})
	mustSend(globex, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "clerk"})
	if got := holds(t, dir, ann, "globex"); got != "clerk | orders.* | " {
		t.Fatalf("ann in globex: %s", got)
	}
	if got := holds(t, dir, ann, "acme"); got != "clerk | warehouse.stock.read | north" {
		t.Fatalf("ann in acme after the redefinition: %s", got)
	}
	// Adding ann to the tenant she was created in changes nothing.
	mustSend(system("acme"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "acme"})
	if got := holds(t, dir, ann, "acme"); got != "clerk | warehouse.stock.read | north" {
		t.Fatalf("ann in acme after joining it again: %s", got)
	}
	// admin granted in acme is no admin in globex.
	mustSend(acme, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: identity.RoleAdmin})
	if got := holds(t, dir, ann, "globex"); got != "clerk | orders.* | " {
		t.Fatalf("ann in globex after becoming acme's admin: %s", got)
	}
	// Revoking in globex takes nothing in acme.
	mustSend(globex, t, send, "identity.RevokeRole", identity.RevokeRole{UserID: ann, Role: "clerk"})
	if got := holds(t, dir, ann, "acme"); got != "clerk,admin | *,warehouse.stock.read | north" {
		t.Fatalf("ann in acme after globex's revocation: %s", got)
	}
	// The engine itself grants in a tenant the user belongs to only.
	if _, err := send(system("initech"), "identity.GrantRole", identity.GrantRole{UserID: ann, Role: identity.RoleAdmin}); code(err) != "not_found" {
		t.Fatalf("granting in a tenant ann is not in: %v, want not_found", err)
	}
	// Leaving a tenant ends what was held there; joining again starts
	// afresh.
	mustSend(globex, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "buyer"})
	mustSend(system("acme"), t, send, "identity.RemoveFromTenant", identity.RemoveFromTenant{UserID: ann, Tenant: "globex"})
	mustSend(system("globex"), t, send, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "globex"})
	if got := holds(t, dir, ann, "globex"); got != " |  | " {
		t.Fatalf("ann in globex after leaving and joining again: %s", got)
	}
	mustSend(globex, t, send, "identity.GrantRole", identity.GrantRole{UserID: ann, Role: "buyer"})
	if got := holds(t, dir, ann, "globex"); got != "buyer | orders.orders.place | " {
		t.Fatalf("ann in globex granted buyer again: %s", got)
	}
	// A restart (a fresh Directory on the same events) agrees.
	fresh := identity.New(e.Events, nil).Directory()
	if err := fresh.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{"acme", "globex", "default"} {
		if a, b := holds(t, dir, ann, tenant), holds(t, fresh, ann, tenant); a != b {
			t.Fatalf("in %s: live %q, replayed %q", tenant, a, b)
		}
	}
}

// TestOldEventsHoldInTheirEnvelopesTenant: grants, teams and role
// definitions stored before they named a tenant keep the meaning they
// had where they were made: the tenant on their envelope ("" is the
// default tenant).
func TestOldEventsHoldInTheirEnvelopesTenant(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	ctx := context.Background()
	bob := identity.UserID("bob@example.com")
	n := 0
	old := func(stream, tenant, typ, data string) {
		t.Helper()
		n++
		env := domain.Envelope{ID: "old-" + strconv.Itoa(n), Type: "identity." + typ, SchemaVersion: 1, Data: []byte(data), Tenant: tenant}
		if _, err := e.Events.Append(ctx, stream, domain.AnyVersion, []domain.Envelope{env}); err != nil {
			t.Fatal(err)
		}
	}
	user := identity.UserStream(bob)
	old("identity.role-clerk", "", "RoleDefined", `{"role":"clerk","description":"","permissions":["warehouse.*"]}`)
	old("identity.role-clerk", "acme", "RoleDefined", `{"role":"clerk","description":"","permissions":["orders.*"]}`)
	old(user, "", "UserCreated", `{"userId":"`+bob+`","email":"bob@example.com","displayName":"Bob"}`)
	old(user, "", "RoleGranted", `{"userId":"`+bob+`","role":"clerk"}`)
	old(user, "", "TeamJoined", `{"userId":"`+bob+`","team":"north"}`)
	old(user, "", "TenantJoined", `{"userId":"`+bob+`","tenant":"acme"}`)
	old(user, "acme", "RoleGranted", `{"userId":"`+bob+`","role":"clerk"}`)
	old(user, "acme", "RoleGranted", `{"userId":"`+bob+`","role":"auditor"}`)
	if err := dir.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got := holds(t, dir, bob, "default"); got != "clerk | warehouse.* | north" {
		t.Fatalf("bob in default: %s", got)
	}
	if got := holds(t, dir, bob, "acme"); got != "clerk,auditor | *:read,orders.* | " {
		t.Fatalf("bob in acme: %s", got)
	}
	// The aggregate reads them alike: what is held is not granted again,
	// what is not held is not revoked.
	before, err := e.Events.ReadStream(ctx, user, 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	mustSend(adminOf("acme"), t, e.Dispatch, "identity.GrantRole", identity.GrantRole{UserID: bob, Role: identity.RoleAuditor})
	mustSend(system("default"), t, e.Dispatch, "identity.GrantRole", identity.GrantRole{UserID: bob, Role: "clerk"})
	mustSend(system("default"), t, e.Dispatch, "identity.RevokeRole", identity.RevokeRole{UserID: bob, Role: identity.RoleAuditor})
	mustSend(system("default"), t, e.Dispatch, "identity.JoinTeam", identity.JoinTeam{UserID: bob, Team: "north"})
	after, err := e.Events.ReadStream(ctx, user, 0, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("commands changing nothing appended %d events", len(after)-len(before))
	}
	// acme's old clerk, stored in the default tenant's stream, is acme's:
	// the default tenant redefining clerk leaves it, and acme's own
	// stream takes its next definition.
	mustSend(system("default"), t, e.Dispatch, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.stock.read"}})
	if got := holds(t, dir, bob, "acme"); got != "clerk,auditor | *:read,orders.* | " {
		t.Fatalf("bob in acme after default's redefinition: %s", got)
	}
	res, err := e.Dispatch(adminOf("acme"), "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"orders.orders.read"}})
	if err != nil || res.Stream != identity.RoleStream("acme", "clerk") || res.Stream != "identity.role-clerk~acme" {
		t.Fatalf("acme defining clerk: %+v %v", res, err)
	}
	if got := holds(t, dir, bob, "acme"); !strings.HasPrefix(got, "clerk,auditor | *:read,orders.orders.read") {
		t.Fatalf("bob in acme after acme's redefinition: %s", got)
	}
	if got := holds(t, dir, bob, "default"); got != "clerk | warehouse.stock.read | north" {
		t.Fatalf("bob in default: %s", got)
	}
	// The views, rebuilt from the same events, agree.
	for tenant, want := range map[string]string{"default": `bob@example.com=["clerk"]/["north"]`, "acme": `bob@example.com=["clerk","auditor"]/[]`} {
		if got := listed(adminOf(tenant), t, e, "identity.users", "email"); !slices.Equal(got, []string{want}) {
			t.Errorf("identity.users in %s: %q, want %q", tenant, got, want)
		}
	}
	if got := listed(adminOf("acme"), t, e, "identity.roles", "role"); !slices.Equal(got, []string{"admin", "auditor", "clerk"}) {
		t.Errorf("identity.roles in acme: %q", got)
	}
	if identity.RoleStream("default", "clerk") != "identity.role-clerk" {
		t.Fatal("the default tenant's role stream changed its id")
	}
}
