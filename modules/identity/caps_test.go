package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// TestGrantingIsCappedAtWhatOneHolds: a holder of identity.roles.grant or
// identity.roles.manage cannot grant, revoke or define a role holding
// more than they hold, so neither is a path to admin.
func TestGrantingIsCappedAtWhatOneHolds(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	admin := as("*")
	ada := identity.UserID("ada@example.com")
	granter := as("identity.roles.grant", "identity.users.manage", "warehouse.*")
	manager := as("identity.roles.manage", "warehouse.stock.read", "orders.*:own")
	steps := []struct {
		ctx  context.Context
		name string
		body any
		code string // "" succeeds
	}{
		{admin, "identity.CreateUser", identity.CreateUser{Email: "ada@example.com", DisplayName: "Ada"}, ""},
		{admin, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.*", "warehouse.stock.read:own"}}, ""},
		{admin, "identity.DefineRole", identity.DefineRole{Role: "sales", Permissions: []string{"orders.*"}}, ""},
		{granter, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "admin"}, "forbidden"},
		{granter, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "auditor"}, "forbidden"},
		{granter, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "sales"}, "forbidden"},
		{granter, "identity.CreateUser", identity.CreateUser{Email: "eve@example.com", DisplayName: "Eve", Roles: []string{"admin"}}, "forbidden"},
		{granter, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "clerk"}, ""},
		{admin, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "admin"}, ""},
		{granter, "identity.RevokeRole", identity.RevokeRole{UserID: ada, Role: "admin"}, "forbidden"},
		{granter, "identity.RevokeRole", identity.RevokeRole{UserID: ada, Role: "clerk"}, ""},
		{manager, "identity.DefineRole", identity.DefineRole{Role: "boss", Permissions: []string{"*"}}, "forbidden"},
		{manager, "identity.DefineRole", identity.DefineRole{Role: "boss", Permissions: []string{"identity.roles.grant"}}, "forbidden"},
		{manager, "identity.DefineRole", identity.DefineRole{Role: "boss", Permissions: []string{"warehouse.*"}}, "forbidden"},
		{manager, "identity.DefineRole", identity.DefineRole{Role: "boss", Permissions: []string{"orders.*"}}, "forbidden"},
		{manager, "identity.DefineRole", identity.DefineRole{Role: "sales", Permissions: []string{"orders.list.read:own"}}, "forbidden"},
		{manager, "identity.DefineRole", identity.DefineRole{Role: "reader", Permissions: []string{"warehouse.stock.read", "orders.list.read:own"}}, ""},
		{as("identity.roles.grant", "warehouse.*"), "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "clerk"}, ""},
	}
	for i, s := range steps {
		_, err := e.Dispatch(s.ctx, s.name, s.body)
		if got := code(err); got != s.code {
			t.Fatalf("step %d %s %+v: got %q (%v), want %q", i, s.name, s.body, got, err, s.code)
		}
	}
	// A token narrows what its holder may hand on.
	scoped := application.WithPrincipal(context.Background(), application.Principal{ID: "token:t", Kind: application.Token,
		Grants: []string{"*"}, Scope: []string{"identity.roles.grant", "warehouse.stock.read"}})
	if _, err := e.Dispatch(scoped, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "sales"}); code(err) != "forbidden" {
		t.Fatalf("a scoped token granted beyond its scope: %v", err)
	}
}

// TestDisablingAUserEndsItsTokensForGood: enabling the user again does
// not bring its API tokens back.
func TestDisablingAUserEndsItsTokensForGood(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	ctx := as("*")
	if _, err := e.Dispatch(ctx, "identity.CreateUser", identity.CreateUser{Email: "t@example.com", DisplayName: "T"}); err != nil {
		t.Fatal(err)
	}
	id := identity.UserID("t@example.com")
	for _, tk := range []string{"tk1", "tk2"} {
		tok := application.APIToken{ID: tk, UserID: id, Name: "ci", ExpiresAt: time.Now().Add(time.Hour), SecretHash: strings.Repeat("ab", 32)}
		if err := dir.IssueToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []string{"identity.DisableUser", "identity.EnableUser"} {
		if _, err := e.Dispatch(ctx, cmd, identity.DisableUser{UserID: id}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tk := range []string{"tk1", "tk2"} {
		if got, ok := dir.Token(ctx, tk); !ok || !got.Revoked {
			t.Fatalf("token %s after disable and enable: %+v", tk, got)
		}
	}
	if page := e.Query(t, "identity.tokens", application.Query{}); strings.Count(string(mustItems(page)), `"revoked":true`) != 2 {
		t.Fatalf("identity.tokens: %s", mustItems(page))
	}
}

func mustItems(p application.Page) []byte {
	var b []byte
	for _, it := range p.Items {
		b = append(b, it...)
	}
	return b
}

// TestOwnRecordsOnCommands: a grant of identity.users.manage:own renames
// its holder and team mates, answers another user exactly as a missing
// one, and allows no command that is not on one's own record.
func TestOwnRecordsOnCommands(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	admin := as("*")
	ada, bob, cy := identity.UserID("ada@example.com"), identity.UserID("bob@example.com"), identity.UserID("cy@example.com")
	for _, email := range []string{"ada@example.com", "bob@example.com", "cy@example.com"} {
		if _, err := e.Dispatch(admin, "identity.CreateUser", identity.CreateUser{Email: email, DisplayName: email}); err != nil {
			t.Fatal(err)
		}
	}
	own := application.WithPrincipal(context.Background(), application.Principal{ID: ada, Kind: application.User, UserID: ada,
		Grants: []string{"identity.users.manage:own", "identity.tokens.manage:own"}, Mates: []string{ada, cy}})
	steps := []struct {
		name string
		body any
		code string
	}{
		{"identity.RenameUser", identity.RenameUser{UserID: ada, DisplayName: "Ada"}, ""},
		{"identity.RenameUser", identity.RenameUser{UserID: cy, DisplayName: "Cy"}, ""}, // a team mate
		{"identity.RenameUser", identity.RenameUser{UserID: bob, DisplayName: "Bobby"}, "not_found"},
		{"identity.RenameUser", identity.RenameUser{UserID: "u-nobody", DisplayName: "X"}, "not_found"},
		{"identity.RevokeToken", identity.RevokeToken{UserID: bob, TokenID: "tk"}, "not_found"},
		{"identity.DisableUser", identity.DisableUser{UserID: ada}, "forbidden"},
	}
	for i, s := range steps {
		_, err := e.Dispatch(own, s.name, s.body)
		if got := code(err); got != s.code {
			t.Fatalf("step %d %s %+v: got %q (%v), want %q", i, s.name, s.body, got, err, s.code)
		}
	}
	_, errBob := e.Dispatch(own, "identity.RenameUser", identity.RenameUser{UserID: bob, DisplayName: "B"})
	_, errNobody := e.Dispatch(own, "identity.RenameUser", identity.RenameUser{UserID: "u-nobody", DisplayName: "B"})
	if strings.ReplaceAll(errBob.Error(), bob, "ID") != strings.ReplaceAll(errNobody.Error(), "u-nobody", "ID") {
		t.Fatalf("another's record and a missing one differ: %q vs %q", errBob, errNobody)
	}
}
