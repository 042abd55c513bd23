package identity

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"slices"
	"strconv"
	"testing"

	snapmemory "github.com/webos-engine/webos/adapters/snapshot/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestEveryIdentityEventIsFoldedOrNamedUnfolded: the Directory reads only
// directoryEvents, so an event type added to the module without a place
// there would never reach it. Every EventType in events.go is among them
// or among those the Directory knows it keeps nothing of.
func TestEveryIdentityEventIsFoldedOrNamedUnfolded(t *testing.T) {
	unfolded := []string{SecondFactorEnabled{}.EventType(), SecondFactorDisabled{}.EventType()}
	f, err := parser.ParseFile(gotoken.NewFileSet(), "events.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		fn, ok := node.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "EventType" || fn.Recv == nil {
			return true
		}
		ret := fn.Body.List[0].(*ast.ReturnStmt).Results[0].(*ast.BasicLit)
		typ, _ := strconv.Unquote(ret.Value)
		n++
		if !slices.Contains(directoryEvents.Types, typ) && !slices.Contains(unfolded, typ) {
			t.Errorf("%s is neither folded by the Directory (directoryEvents) nor named as unfolded", typ)
		}
		return false
	})
	if n != len(directoryEvents.Types)+len(unfolded) {
		t.Errorf("events.go has %d event types; the Directory folds %d and leaves %d", n, len(directoryEvents.Types), len(unfolded))
	}
}

// TestTheDirectoryPassesOtherEvents: events of other modules after the
// last identity event move the Directory's position past them, and its
// snapshot is saved there, checked against the hash of the event at that
// position, so a start from it reads none of them again.
func TestTheDirectoryPassesOtherEvents(t *testing.T) {
	saveAfter(t, 1)
	e, ctx := engineWithAnn(t)
	var last domain.Envelope
	for i := range 5 {
		out, err := e.Events.Append(ctx, "other.thing-1", domain.AnyVersion, []domain.Envelope{{ID: fmt.Sprint("other-", i), Type: "other.Happened", SchemaVersion: 1, Data: []byte(`{}`)}})
		if err != nil {
			t.Fatal(err)
		}
		last = out[0]
	}
	snaps := snapmemory.New()
	saver := newDirectory(e.Events, snaps)
	if err := saver.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	snap, ok, err := snaps.LoadSnapshot(ctx, directorySnapshot)
	if err != nil || !ok {
		t.Fatalf("no snapshot: %v", err)
	}
	if saver.pos != last.Position || snap.Version != last.Position || snap.EventHash != last.Hash {
		t.Fatalf("read up to %d, saved at %d (%s); the feed ends at %d (%s)", saver.pos, snap.Version, snap.EventHash, last.Position, last.Hash)
	}
	restored := newDirectory(e.Events, snaps)
	if err := restored.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if a, ok := restored.Account(ctx, UserID("ann@example.com")); !ok || a.Email != "ann@example.com" || restored.pos != last.Position {
		t.Fatalf("restored at %d: %+v, %v", restored.pos, a, ok)
	}
}

// TestAFailedSyncFoldsNothingTwice: a Sync that fails on an event keeps
// the events before it folded once, so the next Syncs, failing on the
// same event, fold them no more.
func TestAFailedSyncFoldsNothingTwice(t *testing.T) {
	e, ctx := engineWithAnn(t)
	ann := UserID("ann@example.com")
	d := newDirectory(e.Events, nil)
	if err := d.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	grant := func(id, user string) domain.Envelope {
		return domain.Envelope{ID: id, Type: RoleGranted{}.EventType(), SchemaVersion: 1, Data: []byte(`{"userId":"` + user + `","role":"clerk","tenant":"default"}`)}
	}
	// One append, so the two reach the Directory in one batch.
	if _, err := e.Events.Append(ctx, UserStream(ann), domain.AnyVersion, []domain.Envelope{grant("g1", ann), grant("g2", "nobody")}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := d.Sync(ctx); err == nil {
			t.Fatal("a grant to an unknown user was folded")
		}
	}
	if roles := d.users[ann].roles[application.DefaultTenant]; !slices.Equal(roles, []string{"clerk"}) {
		t.Errorf("ann's roles after three failed Syncs: %v; want clerk once", roles)
	}
}

// TestOtherEventsDoNotCountTowardsASnapshot: on a store that filters the
// feed, a start from the saved state reads only identity events again, so
// only those count towards the next save (KurrentDB's positions are byte
// offsets: counting positions saved after a few dozen events).
func TestOtherEventsDoNotCountTowardsASnapshot(t *testing.T) {
	saveAfter(t, 2)
	e := testkit.NewEngineWith(t, func(d *application.Deps) { d.Authorizer = application.Roles{} })
	var _ application.FilteredFeed = e.Events // the memory store filters
	ctx := context.Background()
	out, err := e.Events.Append(ctx, UserStream("u1"), domain.NoStream, []domain.Envelope{{ID: "c1", Type: UserCreated{}.EventType(), SchemaVersion: 1,
		Data: []byte(`{"userId":"u1","email":"u1@example.com","displayName":"U"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := e.Events.Append(ctx, "other.thing-1", domain.AnyVersion, []domain.Envelope{{ID: fmt.Sprint("o", i), Type: "other.Happened", SchemaVersion: 1, Data: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
	}
	snaps := snapmemory.New()
	d := newDirectory(e.Events, snaps)
	if err := d.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := snaps.LoadSnapshot(ctx, directorySnapshot); ok || d.pos <= out[0].Position {
		t.Errorf("one identity event and 20 others read (up to %d): saved %v; want no snapshot yet", d.pos, ok)
	}
}

// engineWithAnn is a test engine with the identity module and one user,
// ann@example.com, and a context acting as the system.
func engineWithAnn(t *testing.T) (*testkit.Engine, context.Context) {
	t.Helper()
	e := testkit.NewEngineWith(t, func(d *application.Deps) { d.Authorizer = application.Roles{} })
	e.Load(t, New(e.Events, nil))
	ctx := application.WithPrincipal(context.Background(), application.SystemPrincipal("test"))
	if _, err := e.Dispatch(ctx, "identity.CreateUser", CreateUser{Email: "ann@example.com", DisplayName: "Ann"}); err != nil {
		t.Fatal(err)
	}
	return e, ctx
}

// saveAfter sets snapshotAfter for the test.
func saveAfter(t *testing.T, n uint64) {
	old := snapshotAfter
	snapshotAfter = n
	t.Cleanup(func() { snapshotAfter = old })
}
