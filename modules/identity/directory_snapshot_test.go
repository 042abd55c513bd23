package identity

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
)

// TestTheDirectoryStartsFromItsSnapshot: a Directory that saved its state
// and a fresh one that starts from it know the same users, roles, teams
// and tokens as one that read every event; events after the snapshot are
// applied on top; a snapshot of another history is ignored.
func TestTheDirectoryStartsFromItsSnapshot(t *testing.T) {
	snapshotAfter = 1 // save after every Sync that reads an event
	e := testkit.NewEngineWith(t, func(d *application.Deps) { d.Authorizer = application.Roles{} })
	m := New(e.Events, nil)
	e.Load(t, m)
	ctx := application.WithPrincipal(context.Background(), application.SystemPrincipal("test"))
	send := func(name string, body any) {
		t.Helper()
		if _, err := e.Dispatch(ctx, name, body); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	send("identity.DefineRole", DefineRole{Role: "clerk", Permissions: []string{"warehouse.*"}, RequireTOTP: true})
	for i := range 3 {
		send("identity.CreateUser", CreateUser{Email: fmt.Sprintf("u%d@example.com", i), DisplayName: "U", Roles: []string{"clerk"}})
	}
	ids := []string{UserID("u0@example.com"), UserID("u1@example.com"), UserID("u2@example.com")}
	send("identity.JoinTeam", JoinTeam{UserID: ids[0], Team: "north"})
	send("identity.JoinTeam", JoinTeam{UserID: ids[1], Team: "north"})
	send("identity.DisableUser", DisableUser{UserID: ids[2]})
	if err := m.Directory().IssueToken(ctx, application.APIToken{ID: "t1", UserID: ids[0], Name: "ci", Permissions: []string{},
		ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Second), SecretHash: "abc"}); err != nil {
		t.Fatal(err)
	}

	snaps := snapmemory.New()
	saver := newDirectory(e.Events, snaps)
	if err := saver.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := snaps.LoadSnapshot(ctx, directorySnapshot); !ok {
		t.Fatal("no snapshot saved")
	}
	same := func(what string, a, b *Directory) {
		t.Helper()
		for _, id := range ids {
			x, _ := a.Account(ctx, id)
			y, _ := b.Account(ctx, id)
			if !reflect.DeepEqual(x, y) {
				t.Fatalf("%s: account %s differs:\n%+v\n%+v", what, id, x, y)
			}
		}
		if x, y := a.Tokens(ctx, ids[0]), b.Tokens(ctx, ids[0]); !reflect.DeepEqual(x, y) {
			t.Fatalf("%s: tokens differ:\n%+v\n%+v", what, x, y)
		}
	}
	restored := newDirectory(e.Events, snaps)
	if err := restored.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if restored.pos != saver.pos || restored.posHash == "" {
		t.Fatalf("restored at %d, saved at %d", restored.pos, saver.pos)
	}
	same("restored", m.Directory(), restored)

	// Later events apply on top of the restored state.
	send("identity.LeaveTeam", LeaveTeam{UserID: ids[1], Team: "north"})
	if err := m.Directory().RevokeToken(ctx, ids[0], "t1"); err != nil {
		t.Fatal(err)
	}
	if err := restored.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	same("after more events", m.Directory(), restored)

	// A snapshot of another history (the event at its position differs)
	// is not used: the Directory reads everything.
	bad := snapmemory.New()
	if err := bad.SaveSnapshot(ctx, application.Snapshot{StreamID: directorySnapshot, Version: 3, EventHash: "not-this-one",
		Schema: directorySchema, Data: []byte(`{"users":[{"id":"ghost","email":"ghost@example.com","active":true}]}`)}); err != nil {
		t.Fatal(err)
	}
	fresh := newDirectory(e.Events, bad)
	if err := fresh.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := fresh.AccountByEmail(ctx, "ghost@example.com"); ok {
		t.Fatal("a foreign snapshot was used")
	}
	same("with a foreign snapshot", m.Directory(), fresh)
}
