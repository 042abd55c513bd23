package identity

import (
	"context"
	"slices"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// rolesCollection backs identity.roles: one document per role of a
// tenant, in that tenant: the roles it defined and the built-in ones.
var rolesCollection = application.CollectionSpec{
	Name: "identity_roles",
	Fields: []application.FieldSpec{
		{Name: "role", Type: application.String}, {Name: "builtIn", Type: application.Bool},
	},
	Indexes: [][]string{{"role"}},
}

// RoleRow is a document of identity.roles.
type RoleRow struct {
	Role        string   `json:"role"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
	RequireTOTP bool     `json:"requireTotp"`
	// BuiltIn marks admin and auditor, which every tenant has and none
	// can redefine.
	BuiltIn bool `json:"builtIn"`
	// Version is the role's version (Role.VersionIn): its tenant's
	// definitions of it; 0 for a built-in role, which no event changes.
	Version uint64 `json:"version"`
}

// rolesVersion is identity.roles': 3 counted a role's version as its
// Role aggregate does, not with the default tenant's stream version,
// which old definitions of other tenants moved; 4 lists the built-in
// roles in each tenant.
const rolesVersion = 4

// The built-in roles are documents like the defined ones, written in a
// tenant when the first event that tells of it comes (a user created in
// it or added to it, a role defined in it), so the view's filters, sort,
// paging, cursors and counts treat them as any other role, and a filter
// on one finds exactly what the list shows. A tenant nobody belongs to
// and that defined nothing lists no role: its views are unreachable
// anyway.
func rolesProjection() *application.Projection {
	p := application.NewProjection("identity.roles", rolesCollection).SetVersion(rolesVersion)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e UserCreated) error {
		return builtInRoles(ctx, tx, e.Tenant)
	})
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e TenantJoined) error {
		return builtInRoles(ctx, tx, e.Tenant)
	})
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e RoleDefined) error {
		if err := builtInRoles(ctx, tx, e.Tenant); err != nil {
			return err
		}
		if _, ok := builtIn[e.Role]; ok {
			return nil // an old definition of a built-in name: the Directory ignores it too
		}
		in, err := application.InTenant(tx, e.Tenant)
		if err != nil {
			return err
		}
		var was RoleRow
		if err := getRow(ctx, in, rolesCollection.Name, e.Role, &was); err != nil && domain.KindOf(err) != domain.KindNotFound {
			return err
		}
		row := RoleRow{Role: e.Role, Description: e.Description, Permissions: e.Permissions, RequireTOTP: e.RequireTOTP, Version: was.Version}
		if env.StreamID == RoleStream(e.Tenant, e.Role) { // (not an old definition in the default tenant's stream)
			row.Version++
		}
		return in.Upsert(ctx, rolesCollection.Name, row.Role, row)
	})
	return p
}

// builtInRoles writes the documents of the built-in roles in tenant
// unless they are there.
func builtInRoles(ctx context.Context, tx application.ReadModelTx, tenant string) error {
	in, err := application.InTenant(tx, tenant)
	if err != nil {
		return err
	}
	for role, grants := range builtIn {
		var row RoleRow
		err := getRow(ctx, in, rolesCollection.Name, role, &row)
		if err == nil {
			continue
		}
		if domain.KindOf(err) != domain.KindNotFound {
			return err
		}
		row = RoleRow{Role: role, Description: builtInDescriptions[role], Permissions: slices.Clone(grants), BuiltIn: true}
		if err := in.Upsert(ctx, rolesCollection.Name, role, row); err != nil {
			return err
		}
	}
	return nil
}
