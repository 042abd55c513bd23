package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/identity"
)

// TestLeavingATenantEndsItsTokensForGood: removing a user from a tenant
// revokes the user's tokens that work there, with TokenRevoked events in
// the same append as TenantLeft (an old TokenIssued without a tenant
// counts in its envelope's), and no other; the tenant's identity.tokens
// lists them revoked, and adding the user again does not bring them back.
func TestLeavingATenantEndsItsTokensForGood(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	ctx := context.Background()
	ann := identity.UserID("ann@example.com")
	mustSend(system("acme"), t, e.Dispatch, "identity.CreateUser", identity.CreateUser{Email: "ann@example.com", DisplayName: "Ann"})
	mustSend(system("acme"), t, e.Dispatch, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "globex"})
	for id, tenant := range map[string]string{"tok-a": "acme", "tok-g1": "globex", "tok-g2": "globex"} {
		tok := application.APIToken{ID: id, UserID: ann, Name: id, Permissions: []string{}, ExpiresAt: time.Now().Add(time.Hour), SecretHash: "x"}
		if err := dir.IssueToken(system(tenant), tok); err != nil {
			t.Fatal(err)
		}
	}
	old := domain.Envelope{ID: "old-token", Type: "identity.TokenIssued", SchemaVersion: 1, Tenant: "globex",
		Data: []byte(`{"userId":"` + ann + `","tokenId":"tok-old","name":"old","permissions":[],"expiresAt":"2100-01-01T00:00:00Z","secretHash":"x"}`)}
	if _, err := e.Events.Append(ctx, identity.UserStream(ann), domain.AnyVersion, []domain.Envelope{old}); err != nil {
		t.Fatal(err)
	}
	res, err := e.Dispatch(adminOf("globex"), "identity.RemoveFromTenant", identity.RemoveFromTenant{UserID: ann, Tenant: "globex"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range res.Events {
		env, _, err := e.Events.EventByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.TrimPrefix(env.Type, "identity.")+" "+string(env.Data))
	}
	want := []string{
		`TenantLeft {"userId":"` + ann + `","tenant":"globex"}`,
		`TokenRevoked {"userId":"` + ann + `","tokenId":"tok-g1"}`,
		`TokenRevoked {"userId":"` + ann + `","tokenId":"tok-g2"}`,
		`TokenRevoked {"userId":"` + ann + `","tokenId":"tok-old"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("RemoveFromTenant appended\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	mustSend(system("acme"), t, e.Dispatch, "identity.AddToTenant", identity.AddToTenant{UserID: ann, Tenant: "globex"})
	for id, revoked := range map[string]bool{"tok-a": false, "tok-g1": true, "tok-g2": true, "tok-old": true} {
		if tok, ok := dir.Token(ctx, id); !ok || tok.Revoked != revoked {
			t.Errorf("%s after ann left globex and came back: %+v, want revoked %v", id, tok, revoked)
		}
	}
	if err := e.Projections.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	for tenant, want := range map[string]int{"acme": 0, "globex": 3} {
		page, err := e.App.QueryView(adminOf(tenant), "identity.tokens", application.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(mustItems(page)), `"revoked":true`); n != want {
			t.Errorf("%s lists %d revoked tokens, want %d: %s", tenant, n, want, mustItems(page))
		}
	}
}

// TestRejoiningEndsTokensAnOldRemovalLeft: a removal stored before
// leaving revoked the tenant's tokens left them unrevoked (refused while
// the user is not a member); adding the user to the tenant again revokes
// them, so they do not come back to life.
func TestRejoiningEndsTokensAnOldRemovalLeft(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	ctx := context.Background()
	bob := identity.UserID("bob@example.com")
	mustSend(system("acme"), t, e.Dispatch, "identity.CreateUser", identity.CreateUser{Email: "bob@example.com", DisplayName: "Bob"})
	mustSend(system("acme"), t, e.Dispatch, "identity.AddToTenant", identity.AddToTenant{UserID: bob, Tenant: "globex"})
	tok := application.APIToken{ID: "tok-b", UserID: bob, Name: "b", Permissions: []string{}, ExpiresAt: time.Now().Add(time.Hour), SecretHash: "x"}
	if err := dir.IssueToken(system("globex"), tok); err != nil {
		t.Fatal(err)
	}
	old := domain.Envelope{ID: "old-left", Type: "identity.TenantLeft", SchemaVersion: 1, Tenant: "acme",
		Data: []byte(`{"userId":"` + bob + `","tenant":"globex"}`)}
	if _, err := e.Events.Append(ctx, identity.UserStream(bob), domain.AnyVersion, []domain.Envelope{old}); err != nil {
		t.Fatal(err)
	}
	if err := dir.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := dir.Token(ctx, "tok-b"); got.Revoked {
		t.Fatal("the old removal revoked the token itself")
	}
	mustSend(system("acme"), t, e.Dispatch, "identity.AddToTenant", identity.AddToTenant{UserID: bob, Tenant: "globex"})
	if got, ok := dir.Token(ctx, "tok-b"); !ok || !got.Revoked {
		t.Fatalf("tok-b after bob came back to globex: %+v", got)
	}
}
