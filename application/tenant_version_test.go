package application_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// ledger is an aggregate of a shared module that every tenant adds to:
// its version in a tenant counts that tenant's additions.
type ledger struct {
	domain.Base
	added map[string]uint64
}

type ledgerAdded struct {
	Tenant string `json:"tenant"`
}

func (ledgerAdded) EventType() string { return "ledger.Added" }

func (t *ledger) Apply(e domain.Event) { t.added[e.(ledgerAdded).Tenant]++ }

func (t *ledger) VersionIn(tenant string) uint64 { return t.added[tenant] }

type addToLedger struct {
	ID string `json:"id" jsonschema:"minLength=1"`
}

// ledgerModule is a shared module whose ledger.Add adds the sender's
// tenant to a ledger.
type ledgerModule struct{}

func (ledgerModule) Manifest() application.Manifest {
	return application.Manifest{Name: "ledger", Version: "0.1.0", Permissions: uses("ledger"), Shared: true}
}

func (ledgerModule) Register(r *application.Registrar) error {
	application.RegisterEvent[ledgerAdded](r, 1)
	application.RegisterCommand(r, "Add", "ledger.use", application.AggregateHandler(r.Repository(), application.MayExist,
		func(c addToLedger) *ledger {
			return &ledger{Base: domain.NewBase("ledger.l-" + c.ID), added: map[string]uint64{}}
		},
		func(ctx context.Context, t *ledger, _ addToLedger) error {
			domain.Raise(t, ledgerAdded{Tenant: application.TenantOf(ctx)})
			return nil
		}))
	return nil
}

// TestIfMatchOnATenantVersionedAggregate: If-Match is compared with the
// aggregate's version in the sender's tenant, and the result answers that
// version, not the stream's, which every tenant's change moves.
func TestIfMatchOnATenantVersionedAggregate(t *testing.T) {
	t.Parallel()
	app, _ := newApp(t, nil, ledgerModule{})
	in := func(tenant string, ifMatch *uint64) context.Context {
		ctx := application.WithPrincipal(context.Background(), application.Principal{ID: "u-" + tenant, Kind: application.User,
			UserID: "u-" + tenant, Tenant: tenant, Tenants: []string{tenant}, Grants: []string{"*"}})
		m := application.MetaFrom(ctx)
		m.ExpectedVersion = ifMatch
		return application.WithMeta(ctx, m)
	}
	v := func(n uint64) *uint64 { return &n }
	add := func(ctx context.Context) (application.Result, error) {
		return app.Dispatch(ctx, "ledger.Add", []byte(`{"id":"x"}`))
	}
	for _, tenant := range []string{"acme", "globex", "globex", "acme", "globex"} {
		if _, err := add(in(tenant, nil)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := add(in("acme", v(2)))
	if err != nil || res.Version != 3 {
		t.Fatalf("acme's If-Match 2 after its 2 of 5 additions: %+v %v, want version 3", res, err)
	}
	_, err = add(in("globex", v(6)))
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != "version_conflict" || !strings.Contains(de.Message, "at version 3, expected 6") {
		t.Fatalf("globex's If-Match 6 (the stream's version) at globex's 3: %v", err)
	}
	if res, err := add(in("globex", nil)); err != nil || res.Version != 4 {
		t.Fatalf("globex's next addition: %+v %v, want version 4", res, err)
	}
}

// meanwhileStore runs race once, just before the next append after armed is
// set: another process's command landing between a command's load and
// its append.
type meanwhileStore struct {
	*memory.Store
	armed atomic.Bool
	race  func()
}

func (s *meanwhileStore) Append(ctx context.Context, stream string, expected domain.ExpectedVersion, evs []domain.Envelope) ([]domain.Envelope, error) {
	if s.armed.CompareAndSwap(true, false) {
		s.race()
	}
	return s.Store.Append(ctx, stream, expected, evs)
}

// TestIfMatchOnATenantVersionedAggregateRacedByAnotherTenant: another
// process's change of another tenant, landing between the load and the
// append of an If-Match command, is a conflict of the stream's versions
// only: the command is decided again, and its If-Match still holds, as
// that change moved no version its tenant sees. It was answered 409 with
// the stream's versions, which told acme that globex changed something.
func TestIfMatchOnATenantVersionedAggregateRacedByAnotherTenant(t *testing.T) {
	t.Parallel()
	store := &meanwhileStore{Store: memory.New()}
	app, other := newAppOn(store, nil, ledgerModule{}), newAppOn(store.Store, nil, ledgerModule{})
	in := func(tenant string, ifMatch *uint64) context.Context {
		ctx := application.WithPrincipal(context.Background(), application.Principal{ID: "u-" + tenant, Kind: application.User,
			UserID: "u-" + tenant, Tenant: tenant, Tenants: []string{tenant}, Grants: []string{"*"}})
		m := application.MetaFrom(ctx)
		m.ExpectedVersion = ifMatch
		return application.WithMeta(ctx, m)
	}
	add := func(app *application.App, ctx context.Context) (application.Result, error) {
		return app.Dispatch(ctx, "ledger.Add", []byte(`{"id":"x"}`))
	}
	if _, err := add(app, in("acme", nil)); err != nil {
		t.Fatal(err)
	}
	store.race = func() {
		if _, err := add(other, in("globex", nil)); err != nil {
			t.Error(err)
		}
	}
	store.armed.Store(true)
	one := uint64(1)
	res, err := add(app, in("acme", &one))
	if err != nil || res.Version != 2 {
		t.Fatalf("acme's If-Match 1, raced by globex's addition: %+v %v, want version 2", res, err)
	}
}
