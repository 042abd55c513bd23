// Package identity is the engine's core identity module: users (email,
// display name, active or disabled), roles and the permissions they
// grant, role grants, team membership and API tokens, all event-sourced
// like any other module's data. The module is shared by every tenant
// (users belong to several), but roles, role grants and teams are per
// tenant: each is made in, and holds in, the tenant of the request that
// made it (docs/tenants.md).
//
// Password hashes are deliberately not here: they live in the credential
// store of adapters/auth, and the user's stream records only that the
// password changed (PasswordChanged). Events are immutable, exported for
// auditors and readable by the auditor role, and a password hash is
// crackable offline; a token's hash is not (its secret has 256 random
// bits), so tokens are event-sourced with their hash.
//
// Directory keeps every user, role and token in memory, follows the
// event store, and implements application.Accounts for authentication.
package identity
