package application

import (
	"context"
	"regexp"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// DefaultTenant is the tenant of a principal, event or document that
// names none: every engine without tenants works in it, and its streams
// and documents keep the names they had before tenants existed.
const DefaultTenant = "default"

// TenantField is the top-level field the engine stamps on every
// read-model document a projection writes: the tenant of the event that
// wrote it. Module code neither sets nor filters it; a module's own
// field of that name is overwritten.
const TenantField = "tenant"

// tenantSep separates an id from its tenant in a stream id or document
// key (see TenantKey). Tenant names cannot contain it.
const tenantSep = "~"

var tenantName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// ValidTenant reports whether name can name a tenant: 1 to 40 lower-case
// ASCII letters, digits and hyphens, starting with a letter or digit.
func ValidTenant(name string) bool { return tenantName.MatchString(name) }

// CheckTenant refuses a tenant name ValidTenant does not accept, with a
// domain.KindInvalid error pointing at pointer.
func CheckTenant(name, pointer string) error {
	if ValidTenant(name) {
		return nil
	}
	return domain.Invalid("the tenant name is not valid", domain.FieldError{Pointer: pointer,
		Detail: "expected 1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit"})
}

// NormalTenant is t, or DefaultTenant for "".
func NormalTenant(t string) string {
	if t == "" {
		return DefaultTenant
	}
	return t
}

// TenantOf is the tenant ctx works in: the Meta's (set from the
// principal by WithPrincipal), DefaultTenant when it names none.
func TenantOf(ctx context.Context) string { return NormalTenant(MetaFrom(ctx).Tenant) }

// TenantKey is where id of tenant is stored: the stream id of an
// aggregate and the key of a read-model document. The default tenant
// keeps id itself, so data written before tenants keeps its place (and
// its hash chain); any other tenant's is "{id}~{tenant}". An id of the
// default tenant that contains '~' becomes "{id}~default", so no id of
// one tenant can ever name another tenant's: the mapping is one-to-one
// (SplitTenantKey reverses it).
func TenantKey(tenant, id string) string {
	tenant = NormalTenant(tenant)
	if tenant == DefaultTenant && !strings.Contains(id, tenantSep) {
		return id
	}
	return id + tenantSep + tenant
}

// SplitTenantKey returns the tenant and id a TenantKey was made of.
func SplitTenantKey(key string) (tenant, id string) {
	at := strings.LastIndex(key, tenantSep)
	if at < 0 {
		return DefaultTenant, key
	}
	return key[at+len(tenantSep):], key[:at]
}

// OwnsKey reports whether key (a stream id or document key made by
// TenantKey) belongs to the tenant of the principal in ctx. Without a
// principal the caller is Go code inside the engine, which may reach
// every tenant's. An engine component that takes such an id from a
// request (a job or saga instance to operate) answers not found when
// this is false, as for an id never used.
func OwnsKey(ctx context.Context, key string) bool {
	if _, asked := PrincipalFrom(ctx); !asked {
		return true
	}
	tenant, _ := SplitTenantKey(key)
	return tenant == TenantOf(ctx)
}
