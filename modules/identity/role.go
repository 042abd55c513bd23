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

// Role is the aggregate of one defined role.
type Role struct {
	domain.Base
	name        string
	description string
	permissions []string
	requireTOTP bool
}

// RoleStream is the stream of the role called name.
func RoleStream(name string) string { return "identity.role-" + name }

// NewRole returns the not-yet-loaded role called name.
func NewRole(name string) *Role { return &Role{Base: domain.NewBase(RoleStream(name)), name: name} }

// Apply mutates state for one event.
func (r *Role) Apply(e domain.Event) {
	if d, ok := e.(RoleDefined); ok {
		r.description, r.permissions, r.requireTOTP = d.Description, d.Permissions, d.RequireTOTP
	}
}

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
	if r.Exists() && r.description == c.Description && slices.Equal(r.permissions, perms) && r.requireTOTP == c.RequireTOTP {
		return nil // defined so already
	}
	if perms == nil {
		perms = []string{}
	}
	domain.Raise(r, RoleDefined{Role: r.name, Description: c.Description, Permissions: perms, RequireTOTP: c.RequireTOTP})
	return nil
}
