package application

import (
	"bytes"
	"context"
	"encoding/json"
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

// tenantFilters is fs and the filter to tenant's documents.
func tenantFilters(tenant string, fs []Filter) []Filter {
	return append(slices.Clip(fs), Filter{Field: TenantField, Op: Eq, Value: tenant})
}

// stampTenant returns doc as a JSON object with TenantField set to
// tenant. A doc that is no JSON object, or cannot be encoded, is
// returned as it is, for the store to refuse with its usual error.
func stampTenant(doc any, tenant string) any {
	raw, err := json.Marshal(doc)
	if err != nil || len(raw) < 2 || raw[0] != '{' {
		return doc
	}
	value := strconv.Quote(tenant) // a tenant name needs no JSON escaping
	// The common case: the document names no field like TenantField, even
	// escaped, so the stamp goes in front without decoding it.
	if !bytes.Contains(raw, []byte(TenantField)) && !bytes.Contains(raw, []byte(`\u`)) {
		out := make([]byte, 0, len(raw)+len(TenantField)+len(value)+4)
		out = append(out, `{"`+TenantField+`":`...)
		out = append(out, value...)
		if len(raw) > 2 {
			out = append(out, ',')
		}
		return json.RawMessage(append(out, raw[1:]...))
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return doc
	}
	m[TenantField] = json.RawMessage(value)
	return m
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
