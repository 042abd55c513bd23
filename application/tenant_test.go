package application_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func inTenant(tenant string) context.Context {
	return application.WithMeta(context.Background(), application.Meta{Tenant: tenant})
}

// TestTenantKeysAreOneToOne: no id of one tenant names another's, the
// default tenant keeps plain ids, and SplitTenantKey reverses TenantKey.
func TestTenantKeysAreOneToOne(t *testing.T) {
	t.Parallel()
	seen := map[string][2]string{}
	for _, tenant := range []string{"", "default", "acme", "globex", "a-1"} {
		for _, id := range []string{"warehouse.item-A", "warehouse.item-A~acme", "x~default", "~", ""} {
			key := application.TenantKey(tenant, id)
			want := [2]string{application.NormalTenant(tenant), id}
			if prev, ok := seen[key]; ok && prev != want {
				t.Fatalf("%q names both %v and %v", key, prev, want)
			}
			seen[key] = want
			if gt, gid := application.SplitTenantKey(key); gt != want[0] || gid != id {
				t.Fatalf("SplitTenantKey(%q) = %q %q, want %v", key, gt, gid, want)
			}
		}
	}
	if k := application.TenantKey("", "warehouse.item-A"); k != "warehouse.item-A" {
		t.Fatalf("the default tenant's stream moved to %q", k)
	}
	for _, bad := range []string{"", "Acme", "-a", "a~b", "a/b", "ä", "a123456789012345678901234567890123456789x"} {
		if application.ValidTenant(bad) {
			t.Errorf("%q accepted as a tenant name", bad)
		}
	}
}

// TestTenantsHaveTheirOwnAggregates: the same business key in two tenants
// is two aggregates; neither sees nor blocks the other, and a command on
// an aggregate that exists only in another tenant is not found.
func TestTenantsHaveTheirOwnAggregates(t *testing.T) {
	t.Parallel()
	app, events := newApp(t, nil, counterModule{name: "counter"})
	seedIn(t, events, "acme", "a")
	body := []byte(`{"id":"a","by":2}`)
	res, err := app.Dispatch(inTenant("acme"), "counter.Increment", body)
	if err != nil || res.Stream != "counter.c-a~acme" {
		t.Fatalf("acme: %+v %v", res, err)
	}
	_, err = app.Dispatch(inTenant("globex"), "counter.Increment", body)
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Kind != domain.KindNotFound {
		t.Fatalf("globex on acme's counter: %v, want not found", err)
	}
	if _, err := app.Dispatch(context.Background(), "counter.Increment", body); err == nil {
		t.Fatal("the default tenant reached acme's counter")
	}
	seedIn(t, events, "globex", "a")
	if res, err := app.Dispatch(inTenant("globex"), "counter.Increment", body); err != nil || res.Version != 2 {
		t.Fatalf("globex's own counter a: %+v %v", res, err)
	}
	stored, err := events.ReadStream(context.Background(), "counter.c-a~acme", 2, application.Forward, 0)
	if err != nil || len(stored) != 1 || stored[0].Tenant != "acme" {
		t.Fatalf("acme's stream: %+v %v", stored, err)
	}
}

type noted struct {
	Key string `json:"key"`
}

func (noted) EventType() string { return "notes.Noted" }

// TestProjectionsWriteEachTenantsDocuments: a projection handler writes
// and reads the documents of its event's tenant only, every document is
// stamped with it (a field of that name the handler set is overwritten),
// and the collection is declared with the field leading every index.
func TestProjectionsWriteEachTenantsDocuments(t *testing.T) {
	t.Parallel()
	spec := application.CollectionSpec{Name: "notes", Fields: []application.FieldSpec{{Name: "key", Type: application.String}},
		Indexes: [][]string{{"key"}}}
	p := application.NewProjection("notes.list", spec)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e noted) error {
		n, err := tx.Count(ctx, "notes", nil)
		if err != nil {
			return err
		}
		return tx.Upsert(ctx, "notes", e.Key, map[string]any{"key": e.Key, "seen": n, application.TenantField: "forged", "t\u0065nant2": 1})
	})
	declared := p.Collections()[0]
	if f, ok := declared.Field(application.TenantField); !ok || f.Type != application.String ||
		len(declared.Indexes) != 2 || declared.Indexes[1][0] != application.TenantField {
		t.Fatalf("declared %+v", declared)
	}
	store := rmmemory.New()
	if err := store.Declare(context.Background(), declared); err != nil {
		t.Fatal(err)
	}
	pos := uint64(0)
	apply := func(tenant, key string) {
		t.Helper()
		pos++
		env := domain.Envelope{Type: "notes.Noted", Tenant: tenant, Position: pos}
		err := store.Apply(context.Background(), p.Name(), application.Checkpoint{Position: pos}, func(tx application.ReadModelTx) error {
			return p.Apply(context.Background(), tx, env, noted{Key: key})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	apply("", "k")
	apply("acme", "k")
	apply("acme", "j")
	for key, want := range map[string]string{"k": `{"key":"k","seen":0,"tenant":"default","tenant2":1}`,
		"k~acme": `{"key":"k","seen":0,"tenant":"acme","tenant2":1}`, "j~acme": `{"key":"j","seen":1,"tenant":"acme","tenant2":1}`} {
		raw, err := store.Get(context.Background(), "notes", key)
		if err != nil || !sameJSON(t, raw, want) {
			t.Errorf("%s: %s %v, want %s", key, raw, err, want)
		}
	}
}

func sameJSON(t *testing.T, raw json.RawMessage, want string) bool {
	t.Helper()
	var a, b any
	if json.Unmarshal(raw, &a) != nil || json.Unmarshal([]byte(want), &b) != nil {
		return false
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
