package projections

import (
	"context"

	"github.com/webos-engine/webos/application"
)

// stamped matches the documents that carry a tenant: a filter on a
// missing field matches nothing (the ReadModelStore contract), and every
// tenant name is at least "".
var stamped = []application.Filter{{Field: application.TenantField, Op: application.Gte, Value: ""}}

// restamp resets r's projection when one of its collections holds a
// document without the tenant stamp: one written by an engine from before
// tenants, which no tenant's view query would find. The projection then
// rebuilds every document, stamped, from the events, which always carried
// their tenant.
func (rt *Runtime) restamp(ctx context.Context, r *runner) error {
	for _, c := range r.p.Collections() {
		if _, scoped := c.Field(application.TenantField); !scoped {
			continue
		}
		name := application.VersionedName(c.Name, r.dep.Version)
		all, err := rt.store.Count(ctx, name, nil)
		if err != nil {
			return err
		}
		n, err := rt.store.Count(ctx, name, stamped)
		if err != nil {
			return err
		}
		if n != all {
			rt.log.Warn("projection wrote documents without a tenant; rebuilding it", "projection", r.p.Name(), "collection", c.Name, "unstamped", all-n)
			return rt.reset(ctx, r)
		}
	}
	return nil
}

// filterable declares the tenant field on the collections of the version
// that serves r's views while r's own is rebuilt: every view query
// filters on it, and an old version may lack it (a shared module's
// projection from before its views were filtered by tenant), which would
// make its views fail until the switch. Declaring adds the field to the
// collection's declaration and changes no document.
func (rt *Runtime) filterable(ctx context.Context, r *runner) error {
	old, _, _ := r.serving()
	for _, c := range old.stored() {
		spec := application.CollectionSpec{Name: c, Fields: []application.FieldSpec{{Name: application.TenantField, Type: application.String}}}
		if err := rt.store.Declare(ctx, spec); err != nil {
			return err
		}
	}
	return nil
}
