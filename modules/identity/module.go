package identity

import (
	"context"
	"regexp"
	"slices"
	"strconv"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Permissions of the identity module.
const (
	PermissionManageUsers  = "identity.users.manage"
	PermissionReadUsers    = "identity.users.read"
	PermissionGrantRoles   = "identity.roles.grant"
	PermissionManageRoles  = "identity.roles.manage"
	PermissionReadRoles    = "identity.roles.read"
	PermissionManageTeams  = "identity.teams.manage"
	PermissionManageTokens = "identity.tokens.manage"
	PermissionReadTokens   = "identity.tokens.read"
)

var permissions = []application.Permission{
	{Name: PermissionManageUsers, Description: "create, rename, disable and enable users"},
	{Name: PermissionReadUsers, Description: "list users, their roles and teams", ReadOnly: true},
	{Name: PermissionGrantRoles, Description: "grant and revoke roles"},
	{Name: PermissionManageRoles, Description: "define roles and their permissions"},
	{Name: PermissionReadRoles, Description: "list roles and their permissions", ReadOnly: true},
	{Name: PermissionManageTeams, Description: "add users to teams and remove them"},
	{Name: PermissionManageTokens, Description: "revoke any user's API tokens"},
	{Name: PermissionReadTokens, Description: "list every user's API tokens (never their secrets)", ReadOnly: true},
}

// Module is the identity module. Build it with New: its Directory
// follows the event store it is given.
type Module struct {
	dir *Directory
}

// New returns the identity module reading identity events from events.
// Its Directory saves its state in snapshots (nil: never), so a start
// reads only the events after it.
func New(events application.EventStore, snapshots application.SnapshotStore) *Module {
	return &Module{dir: newDirectory(events, snapshots)}
}

// Directory is the module's in-memory user directory, usable once the
// module is loaded.
func (m *Module) Directory() *Directory { return m.dir }

// Manifest describes the module.
func (*Module) Manifest() application.Manifest {
	return application.Manifest{Name: "identity", Version: "1.0.0", Permissions: permissions, Shared: true, Core: true}
}

// Register adds the user, role and team commands, the internal token and
// password operations of the Directory, and the views.
func (m *Module) Register(r *application.Registrar) error {
	for _, reg := range []func(*application.Registrar){
		ev[UserCreated], ev[UserRenamed], ev[UserDisabled], ev[UserEnabled], ev[RoleGranted], ev[RoleRevoked],
		ev[TeamJoined], ev[TeamLeft], ev[PasswordChanged], ev[TokenIssued], ev[TokenRevoked], ev[RoleDefined],
		ev[SecondFactorEnabled], ev[SecondFactorDisabled], ev[TenantJoined], ev[TenantLeft],
	} {
		reg(r)
	}
	repo := r.Repository()
	d := m.dir
	userCommand(r, d, "CreateUser", PermissionManageUsers, application.MustBeNew, func(c CreateUser) string { return UserID(c.Email) },
		func(ctx context.Context, u *User, c CreateUser) error {
			if err := d.grantable(ctx, c.Roles, "/roles"); err != nil {
				return err
			}
			return u.Create(application.TenantOf(ctx), c)
		})
	ownUserCommand(r, d, "RenameUser", PermissionManageUsers, func(c RenameUser) string { return c.UserID },
		func(_ context.Context, u *User, c RenameUser) error { return u.Rename(c) })
	userCommand(r, d, "DisableUser", PermissionManageUsers, application.MustExist, func(c DisableUser) string { return c.UserID },
		func(_ context.Context, u *User, _ DisableUser) error { return u.Disable() })
	userCommand(r, d, "EnableUser", PermissionManageUsers, application.MustExist, func(c EnableUser) string { return c.UserID },
		func(_ context.Context, u *User, _ EnableUser) error { return u.Enable() })
	userCommand(r, d, "GrantRole", PermissionGrantRoles, application.MustExist, func(c GrantRole) string { return c.UserID },
		func(ctx context.Context, u *User, c GrantRole) error {
			if err := d.grantable(ctx, []string{c.Role}, ""); err != nil {
				return err
			}
			if err := d.memberIn(ctx, u); err != nil {
				return err
			}
			return u.Grant(application.TenantOf(ctx), c.Role)
		})
	userCommand(r, d, "RevokeRole", PermissionGrantRoles, application.MustExist, func(c RevokeRole) string { return c.UserID },
		func(ctx context.Context, u *User, c RevokeRole) error {
			if err := d.roleCapped(ctx, "revoke", c.Role); err != nil {
				return err
			}
			return u.Revoke(application.TenantOf(ctx), c.Role)
		})
	userCommand(r, d, "JoinTeam", PermissionManageTeams, application.MustExist, func(c JoinTeam) string { return c.UserID },
		func(ctx context.Context, u *User, c JoinTeam) error {
			if err := d.memberIn(ctx, u); err != nil {
				return err
			}
			return u.Join(application.TenantOf(ctx), c.Team)
		})
	userCommand(r, d, "LeaveTeam", PermissionManageTeams, application.MustExist, func(c LeaveTeam) string { return c.UserID },
		func(ctx context.Context, u *User, c LeaveTeam) error {
			return u.Leave(application.TenantOf(ctx), c.Team)
		})
	userCommand(r, d, "AddToTenant", PermissionManageUsers, application.MustExist, func(c AddToTenant) string { return c.UserID },
		func(ctx context.Context, u *User, c AddToTenant) error {
			if err := d.memberOf(ctx, c.Tenant); err != nil {
				return err
			}
			return u.JoinTenant(c.Tenant)
		})
	userCommand(r, d, "RemoveFromTenant", PermissionManageUsers, application.MustExist, func(c RemoveFromTenant) string { return c.UserID },
		func(ctx context.Context, u *User, c RemoveFromTenant) error {
			if err := d.memberOf(ctx, c.Tenant); err != nil {
				return err
			}
			return u.LeaveTenant(c.Tenant)
		})
	ownUserCommand(r, d, "RevokeToken", PermissionManageTokens, func(c RevokeToken) string { return c.UserID },
		func(_ context.Context, u *User, c RevokeToken) error { return u.RevokeToken(c.TokenID) })
	// A role is defined in the tenant the request works in, in a stream
	// of that tenant's (RoleStream): another tenant's role of the same
	// name is another role.
	defineRole := func(ctx context.Context, c DefineRole) (application.Result, error) {
		tenant := application.TenantOf(ctx)
		return application.AggregateHandler(repo, application.MayExist,
			func(c DefineRole) *Role { return NewRole(tenant, c.Role) },
			func(ctx context.Context, ro *Role, c DefineRole) error {
				if err := capped(ctx, "define the role "+c.Role, append(slices.Clone(ro.permissions), c.Permissions...)); err != nil {
					return err
				}
				return ro.Define(c)
			})(ctx, c)
	}
	application.RegisterCommand(r, "DefineRole", PermissionManageRoles, synced(d, defineRole))
	d.bind(repo)

	r.Projection(usersProjection())
	r.Projection(rolesProjection())
	r.Projection(tokensProjection())
	r.View("users", application.View{Collection: usersCollection, DefaultSort: []application.SortKey{{Field: "email"}}, Permission: PermissionReadUsers, Owner: "id"})
	r.View("roles", application.View{Collection: rolesCollection, DefaultSort: []application.SortKey{{Field: "role"}}, Permission: PermissionReadRoles})
	r.View("tokens", application.View{Collection: tokensCollection, DefaultSort: []application.SortKey{{Field: "userId"}}, Permission: PermissionReadTokens, Owner: "userId"})
	return nil
}

func ev[E domain.Event](r *application.Registrar) { application.RegisterEvent[E](r, 1) }

// userCommand registers a command on one user, named by id, that brings
// the Directory up to date before it answers.
//
// Identity is shared by every tenant, but a request acts on the users of
// the tenant it works in only: another tenant's user is answered exactly
// as a missing one (Directory.inTenant).
func userCommand[C any](r *application.Registrar, d *Directory, name, permission string, mode application.Mode,
	id func(C) string, decide func(context.Context, *User, C) error) {
	h := application.AggregateHandler(r.Repository(), mode, func(c C) *User { return NewUser(id(c)) },
		func(ctx context.Context, u *User, c C) error {
			if mode != application.MustBeNew {
				if err := d.inTenant(ctx, u); err != nil {
					return err
				}
			}
			return decide(ctx, u, c)
		})
	if mode != application.MustBeNew {
		h = unseenFirst(d, id, false, h)
	}
	application.RegisterCommand(r, name, permission, synced(d, h))
}

// ownUserCommand is userCommand (MustExist) for a command a grant on
// one's own records may send (RenameUser, RevokeToken): its sender may
// change themselves and their team mates, and another user is answered
// exactly as a missing one.
func ownUserCommand[C any](r *application.Registrar, d *Directory, name, permission string,
	id func(C) string, decide func(context.Context, *User, C) error) {
	h := application.AggregateHandler(r.Repository(), application.MustExist, func(c C) *User { return NewUser(id(c)) },
		func(ctx context.Context, u *User, c C) error {
			if !application.Touches(ctx, u.id) {
				return missingUser(u)
			}
			if err := d.inTenant(ctx, u); err != nil {
				return err
			}
			return decide(ctx, u, c)
		})
	application.RegisterOwnCommand(r, name, permission, synced(d, unseenFirst(d, id, true, h)))
}

// unseenFirst answers a command with If-Match on a user the request may
// not see (of another tenant; with own, one it may not touch) as one on a
// missing user before h compares the If-Match: the version conflict
// would tell that the user exists, and a user's id is its email's hash,
// so anyone could test whether an email is registered in another tenant.
// decide checks the same again on the loaded user.
func unseenFirst[C any](d *Directory, id func(C) string, own bool, h application.CommandHandler[C]) application.CommandHandler[C] {
	return func(ctx context.Context, c C) (application.Result, error) {
		if application.MetaFrom(ctx).ExpectedVersion != nil {
			u := NewUser(id(c))
			if own && !application.Touches(ctx, u.id) {
				return application.Result{}, missingUser(u)
			}
			if err := d.inTenant(ctx, u); err != nil {
				return application.Result{}, err
			}
		}
		return h(ctx, c)
	}
}

// pattern is what a role may grant: a permission name, "{module}.*", "*"
// or "*:read"; a name or "{module}.*" may end in ":own" (one's own and
// one's team mates' records only).
var pattern = regexp.MustCompile(`^(\*|\*:read|([a-z][a-z0-9_]*(\.[a-z][a-zA-Z0-9_]*)*\.\*|[a-z][a-z0-9_]*(\.[a-z][a-zA-Z0-9_]*)+)(:own)?)$`)

func validPattern(p string) bool { return pattern.MatchString(p) }

func itoa(i int) string { return strconv.Itoa(i) }
