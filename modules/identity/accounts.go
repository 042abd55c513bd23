package identity

import (
	"context"
	"slices"
	"strings"

	"github.com/webos-engine/webos/application"
)

// The Directory is the engine's application.Accounts.
var _ application.Accounts = (*Directory)(nil)

// AccountByEmail finds the user with email.
func (d *Directory) AccountByEmail(ctx context.Context, email string) (application.Account, bool) {
	d.mu.RLock()
	id, ok := d.email[NormaliseEmail(email)]
	d.mu.RUnlock()
	if !ok {
		return application.Account{}, false
	}
	return d.Account(ctx, id)
}

// Account finds the user with id, with the grants of its roles.
func (d *Directory) Account(_ context.Context, id string) (application.Account, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	u, ok := d.users[id]
	if !ok {
		return application.Account{}, false
	}
	a := u.Account
	// A user removed from every tenant has nowhere to work: it signs in
	// and uses tokens as little as a disabled one.
	a.Active = a.Active && len(a.TenantList()) > 0
	// What the user holds depends on the tenant it works in: Account.In.
	a.Roles, a.Grants, a.Teams, a.Mates = []string{}, []string{}, []string{}, nil
	a.PerTenant = d.access(u)
	a.TOTPRequired = d.totpRequired(u)
	return a, true
}

// Token finds the API token with id.
func (d *Directory) Token(_ context.Context, id string) (application.APIToken, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	t, ok := d.tokens[id]
	return t, ok
}

// Tokens lists the user's tokens, oldest first.
func (d *Directory) Tokens(_ context.Context, userID string) []application.APIToken {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := []application.APIToken{}
	if u, ok := d.users[userID]; ok {
		for _, id := range u.tokens {
			out = append(out, d.tokens[id])
		}
	}
	return out
}

// Users lists every user, sorted by email.
func (d *Directory) Users(ctx context.Context) []application.Account {
	d.mu.RLock()
	ids := make([]string, 0, len(d.users))
	for id := range d.users {
		ids = append(ids, id)
	}
	d.mu.RUnlock()
	out := make([]application.Account, 0, len(ids))
	for _, id := range ids {
		if a, ok := d.Account(ctx, id); ok {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b application.Account) int { return strings.Compare(a.Email, b.Email) })
	return out
}

// Empty reports whether no user exists yet.
func (d *Directory) Empty(context.Context) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return len(d.users) == 0
}

// IssueToken records t for its user, working in the tenant ctx works
// in.
func (d *Directory) IssueToken(ctx context.Context, t application.APIToken) error {
	return d.onUser(ctx, t.UserID, func(u *User) error {
		return u.Issue(TokenIssued{TokenID: t.ID, Name: t.Name, Permissions: t.Permissions, ExpiresAt: t.ExpiresAt,
			SecretHash: t.SecretHash, Tenant: application.TenantOf(ctx)})
	})
}

// RevokeToken ends the user's token id.
func (d *Directory) RevokeToken(ctx context.Context, userID, id string) error {
	return d.onUser(ctx, userID, func(u *User) error { return u.RevokeToken(id) })
}

// PasswordChanged records that the user's password was set.
func (d *Directory) PasswordChanged(ctx context.Context, userID string) error {
	return d.onUser(ctx, userID, (*User).PasswordSet)
}

// SecondFactorChanged records that the user turned TOTP on or off.
func (d *Directory) SecondFactorChanged(ctx context.Context, userID string, on bool) error {
	return d.onUser(ctx, userID, func(u *User) error { return u.SecondFactor(on) })
}

// onUser runs decide on the existing user id, through the repository,
// and syncs. The caller has authorised it.
func (d *Directory) onUser(ctx context.Context, id string, decide func(*User) error) error {
	h := application.AggregateHandler(d.repo, application.MustExist, func(string) *User { return NewUser(id) },
		func(_ context.Context, u *User, _ string) error { return decide(u) })
	_, err := synced(d, h)(ctx, id)
	return err
}
