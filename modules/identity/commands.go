package identity

// CreateUser adds a user who signs in with email. The id is derived from
// the email, never taken from the body; granting roles with it needs
// identity.roles.grant as well.
type CreateUser struct {
	Email       string   `json:"email" jsonschema:"minLength=3,maxLength=254"`
	DisplayName string   `json:"displayName" jsonschema:"minLength=1,maxLength=200"`
	Roles       []string `json:"roles,omitempty" jsonschema:"maxItems=20"`
}

// RenameUser changes a user's display name.
type RenameUser struct {
	UserID      string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	DisplayName string `json:"displayName" jsonschema:"minLength=1,maxLength=200"`
}

// DisableUser stops a user from signing in and ends every session and
// token use of the user at once.
type DisableUser struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
}

// EnableUser lets a disabled user sign in again.
type EnableUser struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
}

// GrantRole gives a user a role in the tenant the request works in: a
// built-in one (admin, auditor) or one that tenant defined with
// DefineRole. The user must be a member of the tenant.
type GrantRole struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	Role   string `json:"role" jsonschema:"minLength=1,maxLength=64"`
}

// RevokeRole takes a role from a user in the tenant the request works
// in.
type RevokeRole struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	Role   string `json:"role" jsonschema:"minLength=1,maxLength=64"`
}

// JoinTeam makes a user a member of team in the tenant the request
// works in.
type JoinTeam struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	Team   string `json:"team" jsonschema:"pattern=^[a-z0-9][a-z0-9_-]{0\\,63}$"`
}

// LeaveTeam ends a user's membership of team in the tenant the request
// works in.
type LeaveTeam struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	Team   string `json:"team" jsonschema:"minLength=1,maxLength=64"`
}

// AddToTenant lets a user work in tenant, besides the tenant the user was
// created in. The user starts there without roles or teams: grants are
// per tenant.
type AddToTenant struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	Tenant string `json:"tenant" jsonschema:"pattern=^[a-z0-9][a-z0-9-]{0\\,39}$"`
}

// RemoveFromTenant ends what AddToTenant began: the user's roles, teams
// and API tokens in the tenant end with it (the tokens revoked, for
// good); a session working in the tenant moves to the user's first
// tenant at its next request.
type RemoveFromTenant struct {
	UserID string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	Tenant string `json:"tenant" jsonschema:"minLength=1,maxLength=40"`
}

// DefineRole creates a role of the tenant the request works in, or
// replaces its permissions; other tenants' roles of the same name are
// not touched. A permission is a permission name, "{module}.*", "*" or
// "*:read"; a name or "{module}.*" may end in ":own", which grants it
// on the records of the user and the user's team mates only, in views
// that name an owner.
type DefineRole struct {
	Role        string   `json:"role" jsonschema:"pattern=^[a-z][a-z0-9_-]{0\\,63}$"`
	Description string   `json:"description" jsonschema:"maxLength=200"`
	Permissions []string `json:"permissions" jsonschema:"maxItems=200"`
	// RequireTOTP makes the role's holders sign in with a one-time code
	// too; one without TOTP gets a session that may only enrol.
	RequireTOTP bool `json:"requireTotp,omitempty"`
}

// RevokeToken ends any user's API token (administrators; users revoke
// their own through /api/auth/tokens).
type RevokeToken struct {
	UserID  string `json:"userId" jsonschema:"minLength=1,maxLength=64"`
	TokenID string `json:"tokenId" jsonschema:"minLength=1,maxLength=64"`
}
