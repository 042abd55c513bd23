package identity_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// TestOwnRecordsInLists: a member role may read tokens and users on its
// own records only; a user sees their own and their team mates' rows, and
// no filter, sort or cursor reaches anyone else's.
func TestOwnRecordsInLists(t *testing.T) {
	t.Parallel()
	e, dir := newEngine(t)
	admin := as("*")
	must := func(name string, body any) {
		t.Helper()
		if _, err := e.Dispatch(admin, name, body); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	must("identity.DefineRole", identity.DefineRole{Role: "member", Permissions: []string{"identity.tokens.read:own", "identity.users.read:own"}})
	ids := map[string]string{}
	for _, name := range []string{"ann", "ben", "cat"} {
		email := name + "@example.com"
		must("identity.CreateUser", identity.CreateUser{Email: email, DisplayName: name, Roles: []string{"member"}})
		ids[name] = identity.UserID(email)
		for i := range 3 {
			tok := application.APIToken{ID: name + string(rune('0'+i)), UserID: ids[name], Name: name, ExpiresAt: time.Now().Add(time.Hour), SecretHash: "x"}
			if err := dir.IssueToken(admin, tok); err != nil {
				t.Fatal(err)
			}
		}
	}
	must("identity.JoinTeam", identity.JoinTeam{UserID: ids["ann"], Team: "north"})
	must("identity.JoinTeam", identity.JoinTeam{UserID: ids["ben"], Team: "north"})
	if err := e.Projections.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	acting := func(name string) context.Context {
		acc, _ := dir.Account(context.Background(), ids[name])
		acc = acc.In(application.DefaultTenant)
		return application.WithPrincipal(context.Background(), application.Principal{ID: acc.ID, Kind: application.User,
			UserID: acc.ID, Grants: acc.Grants, Mates: acc.Mates})
	}
	seen := func(ctx context.Context, view string, q application.Query) []string {
		t.Helper()
		var out []string
		for {
			page, err := e.App.QueryView(ctx, view, q)
			if err != nil {
				t.Fatalf("%s %+v: %v", view, q, err)
			}
			for _, raw := range page.Items {
				var row struct {
					ID     string `json:"id"`
					UserID string `json:"userId"`
				}
				_ = json.Unmarshal(raw, &row)
				out = append(out, row.UserID+row.ID)
			}
			if page.Next == "" {
				return out
			}
			q.Cursor = page.Next
		}
	}
	owners := func(rows []string) string {
		var who []string
		for name, id := range ids {
			for _, r := range rows {
				if strings.HasPrefix(r, id) {
					who = append(who, name)
					break
				}
			}
		}
		slices.Sort(who)
		return strings.Join(who, ",")
	}
	ann, cat := acting("ann"), acting("cat")
	for _, c := range []struct {
		ctx  context.Context
		q    application.Query
		want string
	}{
		{ann, application.Query{}, "ann,ben"},
		{ann, application.Query{Limit: 1, Sort: []application.SortKey{{Field: "userId", Desc: true}}}, "ann,ben"},
		{ann, application.Query{Filters: []application.Filter{{Field: "userId", Op: application.Eq, Value: ids["cat"]}}}, ""},
		{ann, application.Query{Filters: []application.Filter{{Field: "userId", Op: application.In, Values: []any{ids["cat"], ids["ben"]}}}}, "ben"},
		{ann, application.Query{Filters: []application.Filter{{Field: "name", Op: application.Eq, Value: "cat"}}}, ""},
		{cat, application.Query{Limit: 2}, "cat"},
		{admin, application.Query{}, "ann,ben,cat"},
	} {
		if got := owners(seen(c.ctx, "identity.tokens", c.q)); got != c.want {
			t.Errorf("tokens %+v: rows of %q, want %q", c.q, got, c.want)
		}
	}
	if got := seen(cat, "identity.users", application.Query{}); len(got) != 1 || got[0] != ids["cat"] {
		t.Fatalf("cat lists users %v, want only herself", got)
	}
}
