package application

import (
	"context"
	"slices"
	"strings"
)

// PrincipalKind says how a principal was established.
type PrincipalKind string

// Principal kinds.
const (
	// Anonymous is a request that brought no valid session or token.
	Anonymous PrincipalKind = "anonymous"
	// User is a person signed in with a browser session.
	User PrincipalKind = "user"
	// Token is a machine using an API token; it acts for the user who
	// issued it, with at most that user's permissions.
	Token PrincipalKind = "token"
	// System is the engine itself or an operator at the command line.
	System PrincipalKind = "system"
)

// Grant patterns beyond plain permission names: AllPermissions matches
// every permission, ReadPermissions every permission declared ReadOnly
// (the auditor's grant), and "module.*" every permission of a module.
// A name or "module.*" followed by OwnRecords grants the permission on
// one's own records only: a view with an Owner field shows the holder
// the records owned by them or by a member of one of their teams.
const (
	AllPermissions  = "*"
	ReadPermissions = "*:read"
	OwnRecords      = ":own"
)

// Principal is who a request acts as. Transport adapters establish it
// (httpapi from a session cookie or a bearer token, never from a header
// or body the client chooses) and put it in the context with
// WithPrincipal; the Authorizer reads it, and its ID becomes the actor of
// every event the request appends.
type Principal struct {
	// ID is what events record as their actor: the user id for a
	// session, "token:{id}" for an API token, "system:{name}" for the
	// engine, "anonymous" for nobody.
	ID   string        `json:"id"`
	Kind PrincipalKind `json:"kind"`
	// UserID is the user behind a session or token.
	UserID string `json:"userId,omitempty"`
	// Tenant is the tenant the principal works in: every event it
	// appends records it, and it sees that tenant's aggregates, documents
	// and streams only (docs/tenants.md). "" is DefaultTenant.
	Tenant string `json:"tenant,omitempty"`
	// Tenants are the tenants a user may switch to (Account.TenantList).
	Tenants []string `json:"tenants,omitempty"`
	// Grants are the permission patterns the principal holds: permission
	// names, "module.*", AllPermissions or ReadPermissions.
	Grants []string `json:"grants"`
	// Scope, when not nil, narrows Grants: a permission must be covered
	// by both (an API token issued for some permissions only).
	Scope []string `json:"scope,omitempty"`
	// Teams are the teams of the user.
	Teams []string `json:"teams,omitempty"`
	// Mates are the ids of the user and of every member of the user's
	// teams: whose records an OwnRecords grant shows.
	Mates []string `json:"-"`
}

// AnonymousPrincipal is the principal of a request without credentials.
func AnonymousPrincipal() Principal {
	return Principal{ID: string(Anonymous), Kind: Anonymous, Grants: []string{}}
}

// SystemPrincipal is the engine acting on its own (demo data, the admin
// command line): it holds every permission.
func SystemPrincipal(name string) Principal {
	return Principal{ID: "system:" + name, Kind: System, Grants: []string{AllPermissions}}
}

// Allows reports whether the principal's grants cover perm, a permission
// that is ReadOnly or not.
func (p Principal) Allows(perm Permission) bool {
	covers := func(g string) bool { return GrantCovers(g, perm) }
	return slices.ContainsFunc(p.Grants, covers) && (p.Scope == nil || slices.ContainsFunc(p.Scope, covers))
}

// AllowsOwn reports whether the principal holds perm on its own records
// (a grant with OwnRecords, or the whole permission).
func (p Principal) AllowsOwn(perm Permission) bool {
	own := func(g string) bool {
		rest, ok := strings.CutSuffix(g, OwnRecords)
		return (ok && rest != AllPermissions && GrantCovers(rest, perm)) || GrantCovers(g, perm)
	}
	return slices.ContainsFunc(p.Grants, own) && (p.Scope == nil || slices.ContainsFunc(p.Scope, own))
}

// owners are the ids whose records an OwnRecords grant shows p.
func (p Principal) owners() []any {
	ids := p.Mates
	if len(ids) == 0 {
		ids = []string{p.UserID}
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// GrantCovers reports whether the grant pattern g covers perm.
func GrantCovers(g string, perm Permission) bool {
	switch {
	case g == AllPermissions:
		return true
	case g == ReadPermissions:
		return perm.ReadOnly
	case strings.HasSuffix(g, ".*"):
		return strings.HasPrefix(perm.Name, strings.TrimSuffix(g, "*"))
	}
	return g == perm.Name
}

type principalKey struct{}

// WithPrincipal returns ctx acting as p: the Authorizer checks p, and the
// Meta's actor and tenant become p's, so no client-sent value can name
// the actor of an event.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	m := MetaFrom(ctx)
	m.Actor, m.Tenant = p.ID, p.Tenant
	return context.WithValue(WithMeta(ctx, m), principalKey{}, p)
}

// PrincipalFrom returns the principal ctx acts as. Without one the
// caller is Go code inside the engine (a saga, a job, a test) and not a
// request: every transport adapter sets a principal, the anonymous one
// included.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
