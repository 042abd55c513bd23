package identity

import (
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Built-in roles: they exist without being defined and cannot be
// redefined.
const (
	// RoleAdmin holds every permission.
	RoleAdmin = "admin"
	// RoleAuditor reads every view and stream and changes nothing.
	RoleAuditor = "auditor"
)

// builtIn are the grants of the built-in roles.
var builtIn = map[string][]string{
	RoleAdmin:   {application.AllPermissions},
	RoleAuditor: {application.ReadPermissions},
}

// builtInDescriptions say what the built-in roles are for, as
// identity.roles shows them.
var builtInDescriptions = map[string]string{
	RoleAdmin:   "holds every permission",
	RoleAuditor: "reads every view and stream and changes nothing",
}

// Role is the aggregate of one role defined in one tenant.
type Role struct {
	domain.Base
	tenant      string
	name        string
	description string
	permissions []string
	requireTOTP bool
	defined     bool
	version     uint64 // its definitions in its own stream (VersionIn)
}

// RoleStream is the stream of the role called name in tenant: the
// default tenant's keeps the id it had before roles were per tenant
// (application.TenantKey).
func RoleStream(tenant, name string) string {
	return application.TenantKey(tenant, "identity.role-"+name)
}

// NewRole returns the not-yet-loaded role called name of tenant.
func NewRole(tenant, name string) *Role {
	tenant = application.NormalTenant(tenant)
	return &Role{Base: domain.NewBase(RoleStream(tenant, name)), tenant: tenant, name: name}
}

// Apply mutates state for one event. The default tenant's stream may
// hold a definition another tenant made before roles were per tenant
// (its envelope says which); it is that tenant's, not this role's.
func (r *Role) Apply(e domain.Event) {
	if d, ok := e.(RoleDefined); ok && recordedTenant(d.Tenant, "") == r.tenant {
		r.description, r.permissions, r.requireTOTP, r.defined = d.Description, d.Permissions, d.RequireTOTP, true
		r.version++
	}
}

// VersionIn is the role's version (application.TenantVersioned): the
// number of its tenant's definitions in its stream. The default tenant's
// stream may hold other tenants' definitions from before roles were per
// tenant; they are not its own changes, and its version does not count
// them. A role belongs to one tenant: a request reaches only its own
// tenant's, so tenant is that one.
func (r *Role) VersionIn(string) uint64 { return r.version }

// Define records the role's permissions.
func (r *Role) Define(c DefineRole) error {
	if _, ok := builtIn[r.name]; ok {
		return domain.Errorf(domain.KindRejected, "built_in_role", "%s is a built-in role and cannot be redefined", r.name)
	}
	var bad []domain.FieldError
	for i, p := range c.Permissions {
		if !validPattern(p) {
			bad = append(bad, domain.FieldError{Pointer: domain.Pointer("permissions", itoa(i)),
				Detail: "expected a permission name or \"{module}.*\" (either may end in \":own\"), \"*\" or \"*:read\""})
		}
	}
	if bad != nil {
		return domain.Invalid("the role names permissions that cannot exist", bad...)
	}
	perms := slices.Clone(c.Permissions)
	slices.Sort(perms)
	perms = slices.Compact(perms)
	if r.defined && r.description == c.Description && slices.Equal(r.permissions, perms) && r.requireTOTP == c.RequireTOTP {
		return nil // defined so already
	}
	if perms == nil {
		perms = []string{}
	}
	domain.Raise(r, RoleDefined{Role: r.name, Tenant: r.tenant, Description: c.Description, Permissions: perms, RequireTOTP: c.RequireTOTP})
	return nil
}
