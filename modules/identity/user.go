package identity

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// User is the aggregate of one user: profile, status, roles, teams and
// API tokens.
type User struct {
	domain.Base
	id       string
	email    string
	disabled bool
	roles    map[string][]string // tenant -> roles held there
	teams    map[string][]string // tenant -> teams joined there
	first    string              // the tenant created in ("" once left)
	tenants  []string            // joined with JoinTenant
	tokens   map[string]token    // by id
	versions userVersions        // its version in each tenant
}

// UserID is the id of the user who signs in with email: a hash of the
// normalised address, so creating the same user twice is a conflict the
// event store decides, and no address sits in a stream id.
func UserID(email string) string {
	sum := sha256.Sum256([]byte(NormaliseEmail(email)))
	return "u" + hex.EncodeToString(sum[:16])
}

// NormaliseEmail is the form emails are compared in.
func NormaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// UserStream is the stream of the user with id.
func UserStream(id string) string { return "identity.user-" + id }

// NewUser returns the not-yet-loaded user with id.
func NewUser(id string) *User {
	return &User{Base: domain.NewBase(UserStream(id)), id: id, roles: map[string][]string{}, teams: map[string][]string{}, tokens: map[string]token{}}
}

// token is what the User keeps of an API token of the user.
type token struct {
	tenant  string // the tenant it works in
	revoked bool
}

// Apply mutates state for one event.
func (u *User) Apply(e domain.Event) {
	u.versions.count(e)
	switch e := e.(type) {
	case UserCreated:
		u.email, u.first = e.Email, e.Tenant
	case UserDisabled:
		u.disabled = true
	case UserEnabled:
		u.disabled = false
	case RoleGranted:
		u.roles[e.Tenant] = append(u.roles[e.Tenant], e.Role)
	case RoleRevoked:
		u.roles[e.Tenant] = slices.DeleteFunc(u.roles[e.Tenant], func(r string) bool { return r == e.Role })
	case TeamJoined:
		u.teams[e.Tenant] = append(u.teams[e.Tenant], e.Team)
	case TeamLeft:
		u.teams[e.Tenant] = slices.DeleteFunc(u.teams[e.Tenant], func(t string) bool { return t == e.Team })
	case TenantJoined:
		if !u.member(e.Tenant) { // (an old event may name the first tenant)
			u.tenants = append(u.tenants, e.Tenant)
			delete(u.roles, e.Tenant)
			delete(u.teams, e.Tenant)
		}
	case TenantLeft:
		u.tenants = slices.DeleteFunc(u.tenants, func(t string) bool { return t == e.Tenant })
		if u.first == e.Tenant { // only an old event takes the first tenant
			u.first = ""
		}
		delete(u.roles, e.Tenant)
		delete(u.teams, e.Tenant)
	case TokenIssued:
		u.tokens[e.TokenID] = token{tenant: e.Tenant}
	case TokenRevoked:
		t := u.tokens[e.TokenID]
		t.revoked = true
		u.tokens[e.TokenID] = t
	}
}

// Create records the user with its first roles, held in tenant: the one
// the user is created in.
func (u *User) Create(tenant string, c CreateUser) error {
	addr, err := mail.ParseAddress(c.Email)
	if err != nil || addr.Address != strings.TrimSpace(c.Email) || !strings.Contains(addr.Address, ".") {
		return domain.Invalid("the email is not an address", domain.FieldError{Pointer: "/email", Detail: "expected an address such as ada@example.com"})
	}
	domain.Raise(u, UserCreated{UserID: u.id, Email: NormaliseEmail(c.Email), DisplayName: strings.TrimSpace(c.DisplayName), Tenant: tenant})
	for _, r := range c.Roles {
		if err := u.Grant(tenant, r); err != nil {
			return err
		}
	}
	return nil
}

// Rename records a new display name.
func (u *User) Rename(c RenameUser) error {
	domain.Raise(u, UserRenamed{UserID: u.id, DisplayName: strings.TrimSpace(c.DisplayName)})
	return nil
}

// Disable ends the user's access; disabling again changes nothing.
func (u *User) Disable() error {
	if u.disabled {
		return nil
	}
	domain.Raise(u, UserDisabled{UserID: u.id})
	// Its API tokens end for good, as its sessions do: enabling the user
	// again gives back neither.
	u.revokeTokens(func(string) bool { return true })
	return nil
}

// revokeTokens raises TokenRevoked for each of the user's tokens not
// revoked yet that works in a tenant of, in the order of their ids.
func (u *User) revokeTokens(of func(tenant string) bool) {
	ids := make([]string, 0, len(u.tokens))
	for id, t := range u.tokens {
		if !t.revoked && of(t.tenant) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		domain.Raise(u, TokenRevoked{UserID: u.id, TokenID: id})
	}
}

// Enable restores the user's access; enabling again changes nothing.
func (u *User) Enable() error {
	if u.disabled {
		domain.Raise(u, UserEnabled{UserID: u.id})
	}
	return nil
}

// Grant gives the user role in tenant; granting a role held there
// changes nothing.
func (u *User) Grant(tenant, role string) error {
	if !slices.Contains(u.roles[tenant], role) {
		domain.Raise(u, RoleGranted{UserID: u.id, Role: role, Tenant: tenant})
	}
	return nil
}

// Revoke takes role in tenant from the user; revoking a role not held
// there changes nothing.
func (u *User) Revoke(tenant, role string) error {
	if slices.Contains(u.roles[tenant], role) {
		domain.Raise(u, RoleRevoked{UserID: u.id, Role: role, Tenant: tenant})
	}
	return nil
}

// Join adds the user to team in tenant; joining again changes nothing.
func (u *User) Join(tenant, team string) error {
	if !slices.Contains(u.teams[tenant], team) {
		domain.Raise(u, TeamJoined{UserID: u.id, Team: team, Tenant: tenant})
	}
	return nil
}

// Leave removes the user from team in tenant; leaving a team not joined
// changes nothing.
func (u *User) Leave(tenant, team string) error {
	if slices.Contains(u.teams[tenant], team) {
		domain.Raise(u, TeamLeft{UserID: u.id, Team: team, Tenant: tenant})
	}
	return nil
}

// JoinTenant lets the user work in tenant; joining a tenant the user
// is in already (its first included) changes nothing.
func (u *User) JoinTenant(tenant string) error {
	if err := application.CheckTenant(tenant, "/tenant"); err != nil {
		return err
	}
	if !u.member(tenant) {
		domain.Raise(u, TenantJoined{UserID: u.id, Tenant: tenant})
		// A token of tenant not revoked yet was left by a removal stored
		// before LeaveTenant revoked them: it ends now, so coming back
		// brings no token back there either.
		u.revokeTokens(func(t string) bool { return t == tenant })
	}
	return nil
}

// member reports whether the user may work in tenant.
func (u *User) member(tenant string) bool {
	return u.first == tenant || slices.Contains(u.tenants, tenant)
}

// LeaveTenant ends the user's membership of a tenant joined with
// JoinTenant; leaving one not joined changes nothing. The user's API
// tokens that work in tenant end with it, for good, as its roles and
// teams there do: adding the user again gives none of them back. (A
// session is not of a tenant: it moves to the user's first tenant.)
func (u *User) LeaveTenant(tenant string) error {
	if slices.Contains(u.tenants, tenant) {
		domain.Raise(u, TenantLeft{UserID: u.id, Tenant: tenant})
		u.revokeTokens(func(t string) bool { return t == tenant })
	}
	return nil
}

// PasswordSet records a password change.
func (u *User) PasswordSet() error {
	domain.Raise(u, PasswordChanged{UserID: u.id})
	return nil
}

// SecondFactor records that TOTP was turned on or off.
func (u *User) SecondFactor(on bool) error {
	if on {
		domain.Raise(u, SecondFactorEnabled{UserID: u.id})
	} else {
		domain.Raise(u, SecondFactorDisabled{UserID: u.id})
	}
	return nil
}

// Issue records a new API token.
func (u *User) Issue(t TokenIssued) error {
	if u.disabled {
		return domain.Errorf(domain.KindRejected, "user_disabled", "a disabled user cannot get tokens")
	}
	if _, ok := u.tokens[t.TokenID]; ok {
		return domain.Errorf(domain.KindConflict, "already_exists", "token %s exists", t.TokenID)
	}
	t.UserID = u.id
	t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Second)
	domain.Raise(u, t)
	return nil
}

// RevokeToken ends token id; revoking again changes nothing, an unknown
// token is not found.
func (u *User) RevokeToken(id string) error {
	t, ok := u.tokens[id]
	switch {
	case !ok:
		return domain.Errorf(domain.KindNotFound, "not_found", "there is no token %s", id)
	case !t.revoked:
		domain.Raise(u, TokenRevoked{UserID: u.id, TokenID: id})
	}
	return nil
}
