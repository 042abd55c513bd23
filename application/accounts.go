package application

import (
	"context"
	"slices"
	"time"
)

// Account is what authentication needs to know of a user: who it is,
// whether it may sign in, and the permissions its roles grant.
type Account struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Active      bool   `json:"active"`
	// Roles are the roles granted to the user, Grants the permission
	// patterns those roles hold, Teams the user's teams, in the tenant
	// the account is seen in (In). An Accounts with tenants (the
	// identity module) fills PerTenant and leaves these empty until In
	// picks a tenant.
	Roles  []string `json:"roles"`
	Grants []string `json:"grants"`
	Teams  []string `json:"teams"`
	// PerTenant holds the roles, grants, teams and mates of the user in
	// each tenant: a grant made in one tenant holds there only. Nil: the
	// fields above hold in every tenant (an Accounts without tenants).
	PerTenant map[string]Holding `json:"-"`
	// Tenants are the tenants the user may work in: the one it was
	// created in first, then those it was added to. Nil (an account from
	// before tenants) means DefaultTenant alone; empty, none at all.
	Tenants []string `json:"tenants"`
	// Mates are the user's id and the ids of every member of the user's
	// teams (see Principal.Mates).
	Mates []string `json:"-"`
	// TOTPRequired is set when one of the user's roles, in any tenant,
	// requires two-factor authentication: a session may switch tenants
	// without signing in again.
	TOTPRequired bool `json:"totpRequired"`
	// SessionsNotBefore voids every session and token use that started
	// before it: it moves when the user is disabled or the password
	// changes, so those take effect on the next request.
	SessionsNotBefore time.Time `json:"-"`
}

// Holding is what a user holds in one tenant (Account.PerTenant).
type Holding struct {
	Roles  []string
	Grants []string
	Teams  []string
	Mates  []string
}

// In is the account as it works in tenant: Roles, Grants, Teams and
// Mates become those it holds there (none for a tenant it holds nothing
// in). An account without PerTenant is returned as it is.
func (a Account) In(tenant string) Account {
	if a.PerTenant == nil {
		return a
	}
	x := a.PerTenant[NormalTenant(tenant)]
	a.Roles, a.Grants, a.Teams, a.Mates = nonNil(x.Roles), nonNil(x.Grants), nonNil(x.Teams), x.Mates
	return a
}

// nonNil is l, or an empty list for nil (JSON: [] rather than null).
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// MemberOf reports whether the user may work in tenant.
func (a Account) MemberOf(tenant string) bool {
	return slices.Contains(a.TenantList(), NormalTenant(tenant))
}

// TenantList is Tenants, or DefaultTenant alone when Tenants is nil; its
// first is where a new session of the user starts.
func (a Account) TenantList() []string {
	if a.Tenants == nil {
		return []string{DefaultTenant}
	}
	return a.Tenants
}

// APIToken is an API token as stored: its secret only as a hash.
type APIToken struct {
	ID     string `json:"id"`
	UserID string `json:"userId"`
	// Tenant is the tenant the token works in: the one its issuer worked
	// in when issuing it.
	Tenant string `json:"tenant"`
	Name   string `json:"name"`
	// Permissions narrow the user's grants; empty means all of them.
	Permissions []string  `json:"permissions"`
	ExpiresAt   time.Time `json:"expiresAt"`
	// SecretHash is the SHA-256 of the token's secret, hex encoded. The
	// secret has 256 random bits, so the hash cannot be turned back
	// into it.
	SecretHash string `json:"-"`
	Revoked    bool   `json:"revoked"`
}

// Accounts is the user directory authentication works on: the identity
// module implements it, adapters read it on every request, so lookups are
// in memory and a change made through it (or through any identity
// command of this process) is visible to the next request.
type Accounts interface {
	// AccountByEmail finds the user with email (any letter case).
	AccountByEmail(ctx context.Context, email string) (Account, bool)
	// Account finds the user with id.
	Account(ctx context.Context, id string) (Account, bool)
	// Token finds the API token with id.
	Token(ctx context.Context, id string) (APIToken, bool)
	// Tokens lists the user's tokens.
	Tokens(ctx context.Context, userID string) []APIToken
	// IssueToken records a new token of t.UserID; the actor is the
	// principal in ctx.
	IssueToken(ctx context.Context, t APIToken) error
	// RevokeToken ends the token id of userID.
	RevokeToken(ctx context.Context, userID, id string) error
	// PasswordChanged records that the user's password was set, which
	// ends the user's other sessions.
	PasswordChanged(ctx context.Context, userID string) error
	// SecondFactorChanged records that the user turned two-factor
	// authentication on or off.
	SecondFactorChanged(ctx context.Context, userID string, on bool) error
	// Empty reports whether no user exists yet (first run).
	Empty(ctx context.Context) bool
}
