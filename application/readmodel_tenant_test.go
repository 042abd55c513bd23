package application

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
)

// TestStampTenant: the stamp is the one top-level tenant field, whatever
// the document held at the top level under that name (plainly or
// escaped), and nothing else of the document changes, nested fields
// and strings that look like members included.
func TestStampTenant(t *testing.T) {
	t.Parallel()
	docs := []any{
		map[string]any{},
		map[string]any{"a": 1},
		map[string]any{"tenant": "forged"},
		map[string]any{"tenant": "forged", "b": []any{1, "x"}},
		json.RawMessage(`{"ten\u0061nt": "forged", "c": {"tenant": "nested"}, "d": "\",\"tenant\":\"x\"}"}`),
		json.RawMessage(`{"s": "a}b,c:d\\\"", "tenant": {"deep": ["]", "}"]}, "z": null, "n": -1.5e3, "t": true}`),
		struct {
			Tenant   string         `json:"tenant"`
			Timeline []string       `json:"timeline"`
			Input    map[string]any `json:"input"`
		}{"x", []string{`{"tenant":"y"}`}, map[string]any{"tenant": "z"}},
	}
	for _, doc := range docs {
		src, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(src, &want); err != nil {
			t.Fatal(err)
		}
		want = maps.Clone(want)
		want[TenantField] = "acme"
		stamped, ok := stampTenant(doc, "acme").(json.RawMessage)
		if !ok {
			t.Fatalf("%s: not stamped", src)
		}
		var got map[string]any
		if err := json.Unmarshal(stamped, &got); err != nil {
			t.Fatalf("%s: stamped %s: %v", src, stamped, err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s: stamped %s, want %s", src, g, w)
		}
		if n := topLevelTenants(t, stamped); n != 1 {
			t.Errorf("%s: %d top-level tenant members in %s", src, n, stamped)
		}
	}
	if got, ok := stampTenant([]int{1}, "acme").([]int); !ok || len(got) != 1 {
		t.Errorf("a non-object came back as %v", got)
	}
}

// topLevelTenants counts the top-level members of obj named TenantField.
func topLevelTenants(t *testing.T, obj []byte) int {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	n, depth, key := 0, 0, true
	for {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
			key = depth == 1
			continue
		case json.Delim('}'), json.Delim(']'):
			depth--
		default:
			if depth == 1 && key && tok == TenantField {
				n++
			}
		}
		if depth == 1 {
			key = !key
		}
	}
}

// recordingTx records the keys and documents upserted through it.
type recordingTx struct {
	ReadModelTx
	writes []string
}

func (r *recordingTx) Upsert(_ context.Context, _, id string, doc any) error {
	raw, err := json.Marshal(doc)
	r.writes = append(r.writes, id+" "+string(raw))
	return err
}

// TestInTenant: a shared projection's handler writes a tenant's
// documents, stamped and keyed as that tenant's; a tenant's projection
// cannot leave its tenant.
func TestInTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := &recordingTx{}
	shared := tenantTx{tx: rec, tenant: "globex", scoped: false}
	for _, tenant := range []string{"acme", "", DefaultTenant} {
		in, err := InTenant(shared, tenant)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Upsert(ctx, "c", "u1", map[string]any{"a": 1, "tenant": "forged"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := shared.Upsert(ctx, "c", "u1", map[string]any{"a": 1}); err != nil {
		t.Fatal(err)
	}
	want := []string{`u1~acme {"tenant":"acme","a":1}`, `u1 {"tenant":"default","a":1}`, `u1 {"tenant":"default","a":1}`, `u1 {"tenant":"globex","a":1}`}
	if !slices.Equal(rec.writes, want) {
		t.Fatalf("writes %q, want %q", rec.writes, want)
	}
	scoped := tenantTx{tx: rec, tenant: "acme", scoped: true}
	if _, err := InTenant(scoped, "globex"); err == nil {
		t.Fatal("a tenant's projection moved to another tenant")
	}
	if in, err := InTenant(scoped, "acme"); err != nil || in != ReadModelTx(scoped) {
		t.Fatalf("a tenant's projection in its own tenant: %v %v", in, err)
	}
}
