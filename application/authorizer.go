package application

import (
	"context"

	"github.com/webos-engine/webos/domain"
)

// Access is what a request asks to do: use Permission on Resource.
type Access struct {
	Permission Permission
	// Resource names what is used: "command:{name}", "view:{name}" or
	// "stream:{id}".
	Resource string
	// Owner is the field of the view's records that holds the id of the
	// user owning each (View.Owner); "" when records have no owner.
	Owner string
}

// Grant is what the Authorizer allows. For a query, Filters are the
// record-level rules, which the engine adds to the query's own filters,
// so a list never shows a record the single-record read would refuse.
type Grant struct {
	Filters []Filter
}

// Authorizer decides whether the principal in ctx may have access. The
// pipeline calls it for every command, App.View for every view and
// httpapi for every stream read. It fails with a domain.KindUnauthenticated
// error for the anonymous principal and a domain.KindForbidden one for
// any other that lacks the permission.
type Authorizer interface {
	Authorize(ctx context.Context, access Access) (Grant, error)
}

// AllowAll permits everything: the Authorizer of tests and of engines
// embedded without users.
type AllowAll struct{}

// Authorize permits every request.
func (AllowAll) Authorize(context.Context, Access) (Grant, error) { return Grant{}, nil }

// Roles is the Authorizer of the engine with users: the principal's
// grants (from its roles, narrowed by its token's scope) must cover the
// permission. A grant on one's own records only (OwnRecords) allows a
// view with an Owner field, filtered to the records of the principal and
// its team mates: the filter goes into the view query, so a list, its
// filters, sort and cursors can never reach another record. A context
// without a principal is Go code inside the engine (see PrincipalFrom)
// and is allowed.
type Roles struct{}

// Authorize checks the principal's grants.
func (Roles) Authorize(ctx context.Context, access Access) (Grant, error) {
	p, ok := PrincipalFrom(ctx)
	switch {
	case !ok || p.Allows(access.Permission):
		return Grant{}, nil
	case access.Owner != "" && p.AllowsOwn(access.Permission):
		return Grant{Filters: []Filter{{Field: access.Owner, Op: In, Values: p.owners()}}}, nil
	case p.Kind == Anonymous:
		return Grant{}, domain.Errorf(domain.KindUnauthenticated, "unauthenticated", "sign in or send an API token to use %s", access.Resource)
	}
	return Grant{}, domain.Errorf(domain.KindForbidden, "forbidden", "you lack the permission %s needed for %s", access.Permission.Name, access.Resource)
}
