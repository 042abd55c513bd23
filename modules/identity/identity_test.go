package identity_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/identity"
)

func newEngine(t *testing.T) (*testkit.Engine, *identity.Directory) {
	t.Helper()
	e := testkit.NewEngineWith(t, func(d *application.Deps) { d.Authorizer = application.Roles{} })
	m := identity.New(e.Events, nil)
	e.Load(t, m)
	return e, m.Directory()
}

// as acts as a user holding grants.
func as(grants ...string) context.Context {
	return application.WithPrincipal(context.Background(), application.Principal{ID: "u-test", Kind: application.User, Grants: grants})
}

func TestUsersRolesAndTeams(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	admin := as("*")
	ada := identity.UserID("ada@example.com")
	steps := []struct {
		ctx  context.Context
		name string
		body any
		code string // "" succeeds
	}{
		{admin, "identity.CreateUser", identity.CreateUser{Email: "Ada@Example.com", DisplayName: "Ada"}, ""},
		{admin, "identity.CreateUser", identity.CreateUser{Email: "ada@example.com ", DisplayName: "Ada again"}, "already_exists"},
		{admin, "identity.CreateUser", identity.CreateUser{Email: "not an address", DisplayName: "X"}, "invalid"},
		{admin, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "clerk"}, "invalid"},
		{admin, "identity.DefineRole", identity.DefineRole{Role: "clerk", Permissions: []string{"warehouse.*", "warehouse.stock.read"}}, ""},
		{admin, "identity.DefineRole", identity.DefineRole{Role: "admin", Permissions: []string{"x.y"}}, "built_in_role"},
		{admin, "identity.DefineRole", identity.DefineRole{Role: "odd", Permissions: []string{"DROP TABLE"}}, "invalid"},
		{as("identity.roles.manage"), "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "clerk"}, "forbidden"},
		{admin, "identity.GrantRole", identity.GrantRole{UserID: ada, Role: "clerk"}, ""},
		{admin, "identity.JoinTeam", identity.JoinTeam{UserID: ada, Team: "north"}, ""},
		{admin, "identity.RenameUser", identity.RenameUser{UserID: ada, DisplayName: "Ada L."}, ""},
		{as("identity.users.manage"), "identity.CreateUser", identity.CreateUser{Email: "eve@example.com", DisplayName: "Eve", Roles: []string{"admin"}}, "forbidden"},
		{as("identity.users.manage"), "identity.CreateUser", identity.CreateUser{Email: "bob@example.com", DisplayName: "Bob"}, ""},
		{admin, "identity.DisableUser", identity.DisableUser{UserID: "u-nobody"}, "not_found"},
	}
	for i, s := range steps {
		_, err := e.Dispatch(s.ctx, s.name, s.body)
		if got := code(err); got != s.code {
			t.Fatalf("step %d %s %+v: got %q (%v), want %q", i, s.name, s.body, got, err, s.code)
		}
	}
	acc, ok := dir.AccountByEmail(context.Background(), "ADA@example.com")
	acc = acc.In(application.DefaultTenant)
	if !ok || acc.ID != ada || acc.DisplayName != "Ada L." || !acc.Active || strings.Join(acc.Roles, ",") != "clerk" ||
		strings.Join(acc.Grants, ",") != "warehouse.*,warehouse.stock.read" || strings.Join(acc.Teams, ",") != "north" {
		t.Fatalf("account: %+v %v", acc, ok)
	}
	before := time.Now()
	if _, err := e.Dispatch(admin, "identity.DisableUser", identity.DisableUser{UserID: ada}); err != nil {
		t.Fatal(err)
	}
	if acc, _ = dir.Account(context.Background(), ada); acc.Active || acc.SessionsNotBefore.Before(before.Add(-time.Second)) {
		t.Fatalf("after DisableUser: active %v, sessions not before %v", acc.Active, acc.SessionsNotBefore)
	}
	if _, err := e.Dispatch(admin, "identity.EnableUser", identity.EnableUser{UserID: ada}); err != nil {
		t.Fatal(err)
	}
	if acc, _ = dir.Account(context.Background(), ada); !acc.Active {
		t.Fatal("EnableUser did not enable")
	}

	page := e.Query(t, "identity.users", application.Query{})
	if len(page.Items) != 2 {
		t.Fatalf("identity.users: %d rows", len(page.Items))
	}
	var row identity.UserRow
	if err := json.Unmarshal(page.Items[0], &row); err != nil || row.Email != "ada@example.com" || row.Status != "active" || row.Roles[0] != "clerk" {
		t.Fatalf("first user row: %s (%v)", page.Items[0], err)
	}
	roles := e.Query(t, "identity.roles", application.Query{})
	if len(roles.Items) != 3 || !strings.Contains(string(roles.Items[2]), `"warehouse.*"`) { // after admin and auditor
		t.Fatalf("identity.roles: %s", roles.Items)
	}
}

func TestDefiningARoleAgainUnchangedAppendsNothing(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	def := identity.DefineRole{Role: "clerk", Description: "works", Permissions: []string{"warehouse.*"}}
	for i, want := range []int{1, 0} {
		res, err := e.Dispatch(as("*"), "identity.DefineRole", def)
		if err != nil || len(res.Events) != want {
			t.Fatalf("definition %d: %v, %d events, want %d", i, err, len(res.Events), want)
		}
	}
}

func TestTokensAndPasswordChanges(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	ctx := as("*")
	if _, err := e.Dispatch(ctx, "identity.CreateUser", identity.CreateUser{Email: "t@example.com", DisplayName: "T"}); err != nil {
		t.Fatal(err)
	}
	id := identity.UserID("t@example.com")
	tok := application.APIToken{ID: "tk1", UserID: id, Name: "ci", Permissions: []string{"warehouse.stock.read"},
		ExpiresAt: time.Now().Add(time.Hour), SecretHash: strings.Repeat("ab", 32)}
	if err := dir.IssueToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if err := dir.IssueToken(ctx, tok); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("issuing a token id twice: %v", err)
	}
	got, ok := dir.Token(ctx, "tk1")
	if !ok || got.UserID != id || got.SecretHash != tok.SecretHash || got.Revoked {
		t.Fatalf("token: %+v %v", got, ok)
	}
	if err := dir.RevokeToken(ctx, id, "tk1"); err != nil {
		t.Fatal(err)
	}
	if got, _ = dir.Token(ctx, "tk1"); !got.Revoked {
		t.Fatal("RevokeToken did not revoke")
	}
	if err := dir.RevokeToken(ctx, id, "nope"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("revoking an unknown token: %v", err)
	}
	if err := dir.PasswordChanged(ctx, id); err != nil {
		t.Fatal(err)
	}
	if acc, _ := dir.Account(ctx, id); acc.SessionsNotBefore.IsZero() {
		t.Fatal("PasswordChanged did not move SessionsNotBefore")
	}
	if err := dir.SecondFactorChanged(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	if users := e.Query(t, "identity.users", application.Query{}); !strings.Contains(string(users.Items[0]), `"totp":true`) {
		t.Fatalf("identity.users after SecondFactorChanged: %s", users.Items)
	}
	// The token view never shows the secret's hash; no event holds a
	// password or its hash.
	tokens := e.Query(t, "identity.tokens", application.Query{})
	if len(tokens.Items) != 1 || strings.Contains(string(tokens.Items[0]), tok.SecretHash) || !strings.Contains(string(tokens.Items[0]), `"revoked":true`) {
		t.Fatalf("identity.tokens: %s", tokens.Items)
	}
	evs, err := e.Events.ReadAll(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if strings.Contains(strings.ToLower(string(ev.Data)), "argon2") || strings.Contains(strings.ToLower(string(ev.Data)), "password\":") {
			t.Fatalf("event %s holds password data: %s", ev.Type, ev.Data)
		}
		if ev.Actor != "u-test" {
			t.Fatalf("event %s has actor %q, want the principal's", ev.Type, ev.Actor)
		}
	}
}

func TestTheDirectoryFollowsOtherWriters(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t)
	// A second engine on the same event store, as another process.
	other := identity.New(e.Events, nil)
	if _, err := e.Dispatch(as("*"), "identity.CreateUser", identity.CreateUser{Email: "o@example.com", DisplayName: "O"}); err != nil {
		t.Fatal(err)
	}
	if !other.Directory().Empty(context.Background()) {
		t.Fatal("an unsynced directory knows a user")
	}
	if err := other.Directory().Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, ok := other.Directory().AccountByEmail(context.Background(), "o@example.com"); !ok {
		t.Fatal("Sync did not bring the other writer's user")
	}
}

func code(err error) string {
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}
