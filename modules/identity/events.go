package identity

import (
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// UserCreated records a new user. Its stream is identity.user-{id}, where
// the id derives from the email, so two users can never share one.
type UserCreated struct {
	UserID      string `json:"userId"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	// Tenant is the tenant the user was created in, its first (an old
	// event names none: its envelope's).
	Tenant string `json:"tenant,omitempty"`
}

// UserRenamed records a new display name.
type UserRenamed struct {
	UserID      string `json:"userId"`
	DisplayName string `json:"displayName"`
}

// UserDisabled records that the user may no longer sign in; every
// session and token of the user ends with it.
type UserDisabled struct {
	UserID string `json:"userId"`
}

// UserEnabled records that a disabled user may sign in again (old
// sessions stay ended).
type UserEnabled struct {
	UserID string `json:"userId"`
}

// RoleGranted records that the user holds role in tenant (see Tenant
// on every per-tenant event here).
type RoleGranted struct {
	UserID string `json:"userId"`
	Role   string `json:"role"`
	// Tenant is the tenant the grant holds in: the one the granting
	// request worked in. An event stored before grants were per tenant
	// has none and holds in its envelope's tenant (WithEnvelopeTenant).
	Tenant string `json:"tenant,omitempty"`
}

// RoleRevoked records that the user no longer holds role in tenant.
type RoleRevoked struct {
	UserID string `json:"userId"`
	Role   string `json:"role"`
	Tenant string `json:"tenant,omitempty"`
}

// TeamJoined records that the user joined team in tenant.
type TeamJoined struct {
	UserID string `json:"userId"`
	Team   string `json:"team"`
	Tenant string `json:"tenant,omitempty"`
}

// TeamLeft records that the user left team in tenant.
type TeamLeft struct {
	UserID string `json:"userId"`
	Team   string `json:"team"`
	Tenant string `json:"tenant,omitempty"`
}

// TenantJoined records that the user may work in tenant, besides the
// tenant the user was created in (the UserCreated event's). The user
// starts there without roles or teams.
type TenantJoined struct {
	UserID string `json:"userId"`
	Tenant string `json:"tenant"`
}

// TenantLeft records that the user may no longer work in tenant; the
// roles and teams the user held there end with it.
type TenantLeft struct {
	UserID string `json:"userId"`
	Tenant string `json:"tenant"`
}

// PasswordChanged records that the user's password was set. The hash is
// not in it (see the package doc).
type PasswordChanged struct {
	UserID string `json:"userId"`
}

// SecondFactorEnabled records that the user turned TOTP on. The secret
// is not in it: it lives in auth.db.
type SecondFactorEnabled struct {
	UserID string `json:"userId"`
}

// SecondFactorDisabled records that the user turned TOTP off.
type SecondFactorDisabled struct {
	UserID string `json:"userId"`
}

// TokenIssued records a new API token of the user, with the SHA-256 of
// its secret.
type TokenIssued struct {
	UserID      string    `json:"userId"`
	TokenID     string    `json:"tokenId"`
	Name        string    `json:"name"`
	Permissions []string  `json:"permissions"`
	ExpiresAt   time.Time `json:"expiresAt"`
	SecretHash  string    `json:"secretHash"`
	// Tenant is the tenant the token works in: the one the issuing
	// request worked in. An event stored before it was recorded has none
	// and works in its envelope's tenant (WithEnvelopeTenant).
	Tenant string `json:"tenant,omitempty"`
}

// TokenRevoked records that the token no longer works: revoked by a
// user or an administrator, or ended by its user being disabled or
// leaving the token's tenant.
type TokenRevoked struct {
	UserID  string `json:"userId"`
	TokenID string `json:"tokenId"`
}

// RoleDefined records a role of tenant and the permission patterns it
// grants; a later RoleDefined of the same role in the same tenant
// replaces them.
type RoleDefined struct {
	Role        string   `json:"role"`
	Tenant      string   `json:"tenant,omitempty"`
	Description string   `json:"description"`
	Permissions []string `json:"permissions"`
	RequireTOTP bool     `json:"requireTotp,omitempty"`
}

// EventType names UserCreated.
func (UserCreated) EventType() string { return "identity.UserCreated" }

// EventType names UserRenamed.
func (UserRenamed) EventType() string { return "identity.UserRenamed" }

// EventType names UserDisabled.
func (UserDisabled) EventType() string { return "identity.UserDisabled" }

// EventType names UserEnabled.
func (UserEnabled) EventType() string { return "identity.UserEnabled" }

// EventType names RoleGranted.
func (RoleGranted) EventType() string { return "identity.RoleGranted" }

// EventType names RoleRevoked.
func (RoleRevoked) EventType() string { return "identity.RoleRevoked" }

// EventType names TeamJoined.
func (TeamJoined) EventType() string { return "identity.TeamJoined" }

// EventType names TeamLeft.
func (TeamLeft) EventType() string { return "identity.TeamLeft" }

// EventType names PasswordChanged.
func (PasswordChanged) EventType() string { return "identity.PasswordChanged" }

// EventType names TokenIssued.
func (TokenIssued) EventType() string { return "identity.TokenIssued" }

// EventType names TokenRevoked.
func (TokenRevoked) EventType() string { return "identity.TokenRevoked" }

// EventType names RoleDefined.
func (RoleDefined) EventType() string { return "identity.RoleDefined" }

// EventType names SecondFactorEnabled.
func (SecondFactorEnabled) EventType() string { return "identity.SecondFactorEnabled" }

// EventType names SecondFactorDisabled.
func (SecondFactorDisabled) EventType() string { return "identity.SecondFactorDisabled" }

// EventType names TenantJoined.
func (TenantJoined) EventType() string { return "identity.TenantJoined" }

// EventType names TenantLeft.
func (TenantLeft) EventType() string { return "identity.TenantLeft" }

// recordedTenant is own, the tenant an event records, or for an event
// stored before it recorded one, its envelope's.
func recordedTenant(own, envelope string) string {
	if own != "" {
		return own
	}
	return application.NormalTenant(envelope)
}

// WithEnvelopeTenant gives an old UserCreated its envelope's tenant.
func (e UserCreated) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}

// WithEnvelopeTenant gives an old RoleGranted its envelope's tenant.
func (e RoleGranted) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}

// WithEnvelopeTenant gives an old RoleRevoked its envelope's tenant.
func (e RoleRevoked) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}

// WithEnvelopeTenant gives an old TeamJoined its envelope's tenant.
func (e TeamJoined) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}

// WithEnvelopeTenant gives an old TeamLeft its envelope's tenant.
func (e TeamLeft) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}

// WithEnvelopeTenant gives an old RoleDefined its envelope's tenant.
func (e RoleDefined) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}

// WithEnvelopeTenant gives an old TokenIssued its envelope's tenant.
func (e TokenIssued) WithEnvelopeTenant(t string) domain.Event {
	e.Tenant = recordedTenant(e.Tenant, t)
	return e
}
