package identity

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// capped refuses (403) a principal that does not hold every pattern in
// patterns: granting, revoking and defining roles are capped at what the
// principal holds itself, so identity.roles.grant or
// identity.roles.manage is no path to more. Go code inside the engine,
// without a principal, is not capped.
func capped(ctx context.Context, what string, patterns []string) error {
	p, ok := application.PrincipalFrom(ctx)
	if !ok {
		return nil
	}
	for _, g := range patterns {
		if !p.Holds(g) {
			return domain.Errorf(domain.KindForbidden, "forbidden", "you cannot %s: it grants %s, which you do not hold", what, g)
		}
	}
	return nil
}

// roleCapped caps granting or revoking role, of the tenant ctx works in
// (what says which).
func (d *Directory) roleCapped(ctx context.Context, what, role string) error {
	d.mu.RLock()
	grants := d.grants(application.TenantOf(ctx), []string{role})
	d.mu.RUnlock()
	return capped(ctx, what+" the role "+role, grants)
}
