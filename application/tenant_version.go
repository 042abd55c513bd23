package application

import "github.com/webos-engine/webos/domain"

// TenantVersioned is an aggregate whose stream holds changes of several
// tenants (a Shared module's: identity's users are members of several).
// Its stream version counts every tenant's changes, so showing it to one
// tenant would tell that tenant when another changed something, and an
// If-Match a tenant took from its own view would fail because of a change
// it cannot see. VersionIn is the version tenant sees instead: it moves
// with every event that changes what tenant's views show of the
// aggregate, and with no other. It must be computed by Apply alone, from
// the events, so that a projection can count the same from the feed.
//
// AggregateHandler compares If-Match with VersionIn(TenantOf(ctx)), and
// answers it as the Result's Version, instead of the stream version; the
// append still expects the stream version it loaded, so a change that
// lands meanwhile, in any tenant, is a conflict the command is decided
// again after.
type TenantVersioned interface {
	domain.Aggregate
	// VersionIn is the version of the aggregate as tenant sees it; 0
	// before any change it sees.
	VersionIn(tenant string) uint64
}

// versionIn is a's version as tenant sees it: its
// VersionIn for a TenantVersioned aggregate, else its stream version.
func versionIn(tenant string, a domain.Aggregate) uint64 {
	if tv, ok := a.(TenantVersioned); ok {
		return tv.VersionIn(tenant)
	}
	return a.Root().Version()
}
