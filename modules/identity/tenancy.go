package identity

import (
	"context"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// inTenant refuses, as if u did not exist, a request whose principal
// works in a tenant u does not belong to: an administrator of one tenant
// manages that tenant's users, not another's. The engine itself (a
// system principal: the admin CLI, the demo) and Go code without a
// principal (sagas, jobs) are not limited.
func (d *Directory) inTenant(ctx context.Context, u *User) error {
	p, ok := application.PrincipalFrom(ctx)
	if !ok || p.Kind == application.System {
		return nil
	}
	if err := d.Sync(ctx); err != nil {
		return err
	}
	a, found := d.Account(ctx, u.id)
	if found && slices.Contains(a.TenantList(), application.NormalTenant(p.Tenant)) {
		return nil
	}
	return missingUser(u)
}

// memberOf refuses a request that changes who belongs to tenant unless
// its principal may manage users there: it works in tenant (the
// Authorizer checked its grants there), or it is a member of tenant whose
// grants there (within its token's scope) cover PermissionManageUsers.
// Being a member of tenant is not enough: roles are per tenant, so an
// administrator of one tenant who merely belongs to another cannot add
// anyone to it, nor remove its members. A tenant's first member is made
// by the admin CLI (webos admin create-user --tenant, add-to-tenant),
// which acts as the system.
func (d *Directory) memberOf(ctx context.Context, tenant string) error {
	p, ok := application.PrincipalFrom(ctx)
	if !ok || p.Kind == application.System || application.NormalTenant(p.Tenant) == tenant {
		return nil
	}
	if p.UserID != "" {
		if err := d.Sync(ctx); err != nil {
			return err
		}
		if a, found := d.Account(ctx, p.UserID); found && a.Active && a.MemberOf(tenant) {
			there := p
			there.Grants = a.In(tenant).Grants
			if there.Holds(PermissionManageUsers) {
				return nil
			}
		}
	}
	return domain.Errorf(domain.KindNotFound, "unknown_tenant", "there is no tenant %q you belong to", tenant)
}

// missingUser is the answer for a user that does not exist, or that the
// request may not know of.
func missingUser(u *User) error {
	return domain.Errorf(domain.KindNotFound, "not_found", "%s does not exist", u.Root().ID())
}

// memberIn refuses to give u a role or a team in the tenant ctx works in
// unless u is a member of it. Only the engine itself (the admin CLI)
// gets this far for a user of another tenant: inTenant answers everyone
// else sooner.
func (d *Directory) memberIn(ctx context.Context, u *User) error {
	tenant := application.TenantOf(ctx)
	d.mu.RLock()
	a, ok := d.users[u.id]
	member := ok && a.MemberOf(tenant)
	d.mu.RUnlock()
	if member {
		return nil
	}
	return domain.Errorf(domain.KindNotFound, "not_found", "%s is not a member of the tenant %q", u.Root().ID(), tenant)
}
