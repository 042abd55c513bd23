package testkit

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// NewAccounts returns an empty Accounts whose clock is now.
func NewAccounts(now func() time.Time) *Accounts {
	return &Accounts{users: map[string]application.Account{}, tokens: map[string]application.APIToken{}, clock: now}
}

// Accounts is an in-memory application.Accounts for tests of
// authentication: users and tokens are set directly.
type Accounts struct {
	mu     sync.Mutex
	users  map[string]application.Account
	tokens map[string]application.APIToken
	clock  func() time.Time
}

// AccountByEmail finds the user with email.
func (a *Accounts) AccountByEmail(_ context.Context, email string) (application.Account, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.users {
		if strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			return u, true
		}
	}
	return application.Account{}, false
}

// Account finds the user with id.
func (a *Accounts) Account(_ context.Context, id string) (application.Account, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u, ok := a.users[id]
	return u, ok
}

// Token finds the token with id.
func (a *Accounts) Token(_ context.Context, id string) (application.APIToken, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.tokens[id]
	return t, ok
}

// Tokens lists the user's tokens.
func (a *Accounts) Tokens(_ context.Context, userID string) []application.APIToken {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []application.APIToken
	for _, t := range a.tokens {
		if t.UserID == userID {
			out = append(out, t)
		}
	}
	return out
}

// IssueToken stores t.
func (a *Accounts) IssueToken(_ context.Context, t application.APIToken) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokens[t.ID] = t
	return nil
}

// RevokeToken revokes the user's token id.
func (a *Accounts) RevokeToken(_ context.Context, userID, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	t, ok := a.tokens[id]
	if !ok || t.UserID != userID {
		return domain.Errorf(domain.KindNotFound, "not_found", "no token %s", id)
	}
	t.Revoked = true
	a.tokens[id] = t
	return nil
}

// PasswordChanged moves the user's SessionsNotBefore to now.
func (a *Accounts) PasswordChanged(_ context.Context, userID string) error {
	a.Change(userID, func(u *application.Account) { u.SessionsNotBefore = a.clock() })
	return nil
}

// SecondFactorChanged records nothing: the fake keeps no history.
func (a *Accounts) SecondFactorChanged(context.Context, string, bool) error { return nil }

// Empty reports whether there is no user.
func (a *Accounts) Empty(context.Context) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.users) == 0
}

// Add adds an active user with grants.
func (a *Accounts) Add(id, email string, grants ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.users[id] = application.Account{ID: id, Email: email, Active: true, Grants: grants}
}

// Change changes the user with id by f.
func (a *Accounts) Change(id string, f func(*application.Account)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.users[id]
	f(&u)
	a.users[id] = u
}
