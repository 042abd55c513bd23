package application

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// tenantTx is the ReadModelTx a projection handler sees: the read models
// of one tenant. Documents are stored under TenantKey(tenant, id) and
// stamped with TenantField, and Find and Count see the tenant's documents
// only. A shared projection's (not scoped) keeps ids as they are and
// only stamps.
type tenantTx struct {
	tx     ReadModelTx
	tenant string
	scoped bool
}

func (t tenantTx) key(id string) string {
	if !t.scoped {
		return id
	}
	return TenantKey(t.tenant, id)
}

func (t tenantTx) filters(fs []Filter) []Filter {
	if !t.scoped {
		return fs
	}
	return tenantFilters(t.tenant, fs)
}

// Get reads the tenant's document id.
func (t tenantTx) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	return t.tx.Get(ctx, collection, t.key(id))
}

// Find queries the tenant's documents.
func (t tenantTx) Find(ctx context.Context, collection string, q Query) (Page, error) {
	q.Filters = t.filters(q.Filters)
	return t.tx.Find(ctx, collection, q)
}

// Count counts the tenant's documents matching filters.
func (t tenantTx) Count(ctx context.Context, collection string, filters []Filter) (int64, error) {
	return t.tx.Count(ctx, collection, t.filters(filters))
}

// Upsert stores doc, stamped with the tenant, under the tenant's key.
func (t tenantTx) Upsert(ctx context.Context, collection, id string, doc any) error {
	return t.tx.Upsert(ctx, collection, t.key(id), stampTenant(doc, t.tenant))
}

// Patch merges fields into the tenant's document id; the stamp stays.
func (t tenantTx) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	if _, ok := fields[TenantField]; ok {
		fields = maps.Clone(fields)
		fields[TenantField] = t.tenant
	}
	return t.tx.Patch(ctx, collection, t.key(id), fields)
}

// Delete removes the tenant's document id.
func (t tenantTx) Delete(ctx context.Context, collection, id string) error {
	return t.tx.Delete(ctx, collection, t.key(id))
}

// InTenant is tx as tenant's, for the handler of a Manifest.Shared
// module's projection, whose records belong to several tenants: what it
// writes through it is stamped with tenant and stored under
// TenantKey(tenant, id), and its reads and queries reach tenant's
// documents only, so the tenant's view queries find them and no other
// tenant's do. The identity module writes a user's document in each
// tenant the user belongs to with it. Any other projection's handler
// works in its event's tenant, and may not leave it: asking that tx for
// another tenant is an error.
func InTenant(tx ReadModelTx, tenant string) (ReadModelTx, error) {
	tenant = NormalTenant(tenant)
	if t, ok := tx.(tenantTx); ok {
		if t.scoped && t.tenant != tenant {
			return nil, fmt.Errorf("a projection of a module that is not Shared writes the documents of its event's tenant %q only, not %q", t.tenant, tenant)
		}
		tx = t.tx
	}
	return tenantTx{tx: tx, tenant: tenant, scoped: true}, nil
}

// tenantFilters is fs and the filter to tenant's documents.
func tenantFilters(tenant string, fs []Filter) []Filter {
	return append(slices.Clip(fs), Filter{Field: TenantField, Op: Eq, Value: tenant})
}

// stampTenant returns doc as a JSON object with TenantField set to
// tenant, first. A doc that is no JSON object, or cannot be encoded, is
// returned as it is, for the store to refuse with its usual error.
func stampTenant(doc any, tenant string) any {
	raw, err := json.Marshal(doc)
	if err != nil || len(raw) < 2 || raw[0] != '{' {
		return doc
	}
	value := strconv.Quote(tenant) // a tenant name needs no JSON escaping
	// A document naming a top-level field like TenantField (even escaped)
	// loses it: the stamp is the only one, whatever a store does with
	// duplicate keys. Most documents never name it, and skip the scan.
	if bytes.Contains(raw, []byte(TenantField)) || bytes.Contains(raw, []byte(`\u`)) {
		if raw, err = withoutMember(raw, TenantField); err != nil {
			return doc
		}
	}
	out := make([]byte, 0, len(raw)+len(TenantField)+len(value)+4)
	out = append(out, `{"`+TenantField+`":`...)
	out = append(out, value...)
	if len(raw) > 2 {
		out = append(out, ',')
	}
	return json.RawMessage(append(out, raw[1:]...))
}

// withoutMember returns the compact JSON object obj (as json.Marshal
// writes it) without its top-level members named name. It walks the
// members once, decoding a key only when it holds an escape.
func withoutMember(obj []byte, name string) ([]byte, error) {
	out := make([]byte, 0, len(obj))
	out = append(out, '{')
	for i := 1; i < len(obj) && obj[i] != '}'; {
		if obj[i] == ',' {
			i++
		}
		keyEnd, err := skipValue(obj, i)
		if err != nil || keyEnd >= len(obj) || obj[keyEnd] != ':' {
			return nil, errors.New("not a compact JSON object")
		}
		end, err := skipValue(obj, keyEnd+1)
		if err != nil {
			return nil, err
		}
		var key string
		if err := json.Unmarshal(obj[i:keyEnd], &key); err != nil {
			return nil, err
		}
		if key != name {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = append(out, obj[i:end]...)
		}
		i = end
	}
	return append(out, '}'), nil
}

// skipValue returns the index just after the compact JSON value that
// starts at obj[i].
func skipValue(obj []byte, i int) (int, error) {
	depth, inString := 0, false
	for j := i; j < len(obj); j++ {
		c := obj[j]
		switch {
		case inString:
			switch c {
			case '\\':
				j++
			case '"':
				inString = false
				if depth == 0 {
					return j + 1, nil
				}
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
			if depth < 0 {
				return j, nil
			}
		case depth == 0 && (c == ',' || c == ':'):
			return j, nil
		}
	}
	if depth == 0 && !inString {
		return len(obj), nil
	}
	return 0, errors.New("unterminated JSON value")
}

// tenantSpec is c with the string field TenantField, its own index, and
// every index led by it: the engine filters every query by tenant, so an
// index the module declared for a filter or sort still serves it.
func tenantSpec(c CollectionSpec) CollectionSpec {
	if _, ok := c.Field(TenantField); !ok {
		c.Fields = append(slices.Clip(c.Fields), FieldSpec{Name: TenantField, Type: String})
	}
	indexes := [][]string{{TenantField}}
	for _, ix := range c.Indexes {
		if len(ix) > 0 && ix[0] != TenantField && ix[0] != "-"+TenantField {
			ix = append([]string{TenantField}, ix...)
		}
		if !slices.ContainsFunc(indexes, func(have []string) bool { return slices.Equal(have, ix) }) {
			indexes = append(indexes, ix)
		}
	}
	c.Indexes = indexes
	return c
}
