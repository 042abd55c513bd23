package domain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// renamed is at schema version 3: v1 had "qty", v2 renamed it to
// "quantity", v3 added "unit".
type renamed struct {
	Quantity int    `json:"quantity"`
	Unit     string `json:"unit"`
}

func (renamed) EventType() string { return "t.Renamed" }

func TestRegistryUpcastsOldVersions(t *testing.T) {
	t.Parallel()
	r := domain.NewEventRegistry()
	if err := domain.RegisterEvent[renamed](r, 3); err != nil {
		t.Fatal(err)
	}
	if err := domain.RegisterEvent[renamed](r, 3); err == nil {
		t.Fatal("a second registration must fail")
	}
	_ = r.RegisterUpcaster("t.Renamed", 1, func(d json.RawMessage) (json.RawMessage, error) {
		var v map[string]any
		if err := json.Unmarshal(d, &v); err != nil {
			return nil, err
		}
		v["quantity"] = v["qty"]
		delete(v, "qty")
		return json.Marshal(v)
	})
	if err := r.RegisterUpcaster("t.Renamed", 3, nil); err == nil {
		t.Fatal("an upcaster from the current version must be refused")
	}
	env := domain.Envelope{ID: "1", Type: "t.Renamed", SchemaVersion: 1, Data: json.RawMessage(`{"qty":4}`)}
	if _, err := r.Decode(&env); err == nil {
		t.Fatal("a missing upcaster (2 -> 3) must be an error")
	}
	_ = r.RegisterUpcaster("t.Renamed", 2, func(d json.RawMessage) (json.RawMessage, error) {
		var v map[string]any
		_ = json.Unmarshal(d, &v)
		v["unit"] = "pcs"
		return json.Marshal(v)
	})
	ev, err := r.Decode(&env)
	if err != nil || ev != (renamed{Quantity: 4, Unit: "pcs"}) {
		t.Fatalf("decoded %#v, %v", ev, err)
	}
	typ, ver, data, err := r.Encode(renamed{Quantity: 1})
	if err != nil || typ != "t.Renamed" || ver != 3 || string(data) != `{"quantity":1,"unit":""}` {
		t.Fatalf("encode: %s %d %s %v", typ, ver, data, err)
	}
	future := domain.Envelope{Type: "t.Renamed", SchemaVersion: 4, Data: json.RawMessage(`{}`)}
	if _, err := r.Decode(&future); err == nil {
		t.Fatal("a version newer than the code must not decode")
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("wrapped: %w", domain.VersionConflict("s", 3, 4))
	if !errors.Is(err, domain.ErrConflict) || errors.Is(err, domain.ErrNotFound) {
		t.Fatal("errors.Is must match by kind")
	}
	if domain.KindOf(err) != domain.KindConflict || domain.KindOf(errors.New("x")) != 0 {
		t.Fatal("KindOf")
	}
	inv := domain.Invalid("bad", domain.FieldError{Pointer: "/a", Detail: "no"})
	if !errors.Is(inv, domain.ErrInvalid) || inv.Fields[0].Pointer != "/a" {
		t.Fatal("Invalid")
	}
}

// granted records its tenant since some release; older ones do not.
type granted struct {
	Role   string `json:"role"`
	Tenant string `json:"tenant,omitempty"`
}

func (granted) EventType() string { return "t.Granted" }

func (g granted) WithEnvelopeTenant(t string) domain.Event {
	if g.Tenant == "" {
		g.Tenant = "env:" + t
	}
	return g
}

func TestDecodeGivesATenantRecorderItsEnvelopesTenant(t *testing.T) {
	t.Parallel()
	r := domain.NewEventRegistry()
	if err := domain.RegisterEvent[granted](r, 1); err != nil {
		t.Fatal(err)
	}
	for data, want := range map[string]string{
		`{"role":"clerk"}`:                 "env:acme", // stored before it named one
		`{"role":"clerk","tenant":"beta"}`: "beta",     // its own wins
	} {
		ev, err := r.Decode(&domain.Envelope{ID: "e", Type: "t.Granted", SchemaVersion: 1, Data: json.RawMessage(data), Tenant: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		if got := ev.(granted).Tenant; got != want {
			t.Errorf("%s: tenant %q, want %q", data, got, want)
		}
	}
}
