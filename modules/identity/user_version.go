package identity

import (
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// A user's stream holds the changes of every tenant the user belongs to,
// so its version is not what one tenant is shown (application.TenantVersioned):
// the user's version in tenant T counts the events that change what T's
// identity.users document of the user shows, the profile every tenant
// sees and T's own grants, teams and membership, and nothing else. A
// grant in globex moves no version acme sees, and acme's If-Match is not
// refused because of it. The users projection counts the same events
// (userVersions), so the version a document shows is the one If-Match
// is compared with.

// changedIn tells whose view of its user e changes: every tenant's
// (all: the profile), one tenant's (its grants, teams and membership of
// it), or nobody's (seen false: passwords and tokens, which
// identity.users does not show).
func changedIn(e domain.Event) (tenant string, all, seen bool) {
	switch e := e.(type) {
	case UserCreated, UserRenamed, UserDisabled, UserEnabled, SecondFactorEnabled, SecondFactorDisabled:
		return "", true, true
	case RoleGranted:
		return e.Tenant, false, true
	case RoleRevoked:
		return e.Tenant, false, true
	case TeamJoined:
		return e.Tenant, false, true
	case TeamLeft:
		return e.Tenant, false, true
	case TenantJoined:
		return e.Tenant, false, true
	case TenantLeft:
		return e.Tenant, false, true
	}
	return "", false, false
}

// userVersions counts a user's events per tenant that sees them: the
// version of the user in tenant T is Shared + Own[T].
type userVersions struct {
	// Shared counts the profile's changes, seen in every tenant.
	Shared uint64 `json:"shared"`
	// Own counts each tenant's own changes of the user.
	Own map[string]uint64 `json:"own,omitempty"`
}

// count adds e to the versions it moves.
func (v *userVersions) count(e domain.Event) {
	tenant, all, seen := changedIn(e)
	switch {
	case all:
		v.Shared++
	case seen:
		if v.Own == nil {
			v.Own = map[string]uint64{}
		}
		v.Own[application.NormalTenant(tenant)]++
	}
}

// in is the user's version in tenant.
func (v userVersions) in(tenant string) uint64 {
	return v.Shared + v.Own[application.NormalTenant(tenant)]
}

// VersionIn is the user's version as tenant sees it
// (application.TenantVersioned).
func (u *User) VersionIn(tenant string) uint64 { return u.versions.in(tenant) }
