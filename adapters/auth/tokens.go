package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// tokenPrefix starts every API token, so secret scanners can spot one.
const tokenPrefix = "webos_"

// MaxTokenLife bounds a token's expiry.
const MaxTokenLife = 366 * 24 * time.Hour

// IssuedToken is a new token: Secret is shown once and never again.
type IssuedToken struct {
	application.APIToken
	Secret string `json:"token"`
}

// IssueToken creates a token for the user with at most the given
// permission patterns (none: all the user's), valid for life, working in
// the tenant ctx works in. The secret
// is returned once; only its SHA-256 is recorded.
func (s *Service) IssueToken(ctx context.Context, userID, name string, permissions []string, life time.Duration) (IssuedToken, error) {
	if life <= 0 || life > MaxTokenLife {
		return IssuedToken{}, domain.Invalid("a token lives from one second to 366 days",
			domain.FieldError{Pointer: "/expiresIn", Detail: "expected a duration from 1s to 8784h"})
	}
	if name = strings.TrimSpace(name); name == "" || len(name) > 100 {
		return IssuedToken{}, domain.Invalid("the token needs a name of 1 to 100 characters",
			domain.FieldError{Pointer: "/name", Detail: "expected 1 to 100 characters"})
	}
	id := make([]byte, 8)
	_, _ = rand.Read(id) // crypto/rand.Read never fails
	secret := rand.Text() + rand.Text()
	t := application.APIToken{ID: hex.EncodeToString(id), UserID: userID, Tenant: application.TenantOf(ctx), Name: name, Permissions: permissions,
		ExpiresAt: s.cfg.Clock().Add(life).UTC().Truncate(time.Second), SecretHash: digest(secret)}
	if t.Permissions == nil {
		t.Permissions = []string{}
	}
	if err := s.cfg.Accounts.IssueToken(ctx, t); err != nil {
		return IssuedToken{}, err
	}
	return IssuedToken{APIToken: t, Secret: tokenPrefix + t.ID + "_" + secret}, nil
}

var errBadToken = domain.Errorf(domain.KindUnauthenticated, "invalid_token", "the API token is unknown, revoked or expired")

// Bearer returns the principal of an API token: its user's grants,
// narrowed to the token's permissions, in the tenant the token was issued
// in. An unknown, revoked or expired
// token, or one of a disabled user, is refused alike.
func (s *Service) Bearer(ctx context.Context, token string) (application.Principal, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	id, secret, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 {
		return application.Principal{}, errBadToken
	}
	t, ok := s.cfg.Accounts.Token(ctx, id)
	if !ok || !sameDigest(secret, t.SecretHash) || t.Revoked {
		return application.Principal{}, errBadToken
	}
	now := s.cfg.Clock()
	acc, ok := s.cfg.Accounts.Account(ctx, t.UserID)
	// A token works in its own tenant only, and not at all once its user
	// has left that tenant.
	if !ok || !acc.Active || !now.Before(t.ExpiresAt) || !acc.MemberOf(t.Tenant) {
		return application.Principal{}, errBadToken
	}
	s.recordUse(ctx, id, now)
	p := userPrincipal(acc, application.NormalTenant(t.Tenant))
	p.ID, p.Kind, p.Tenants = "token:"+id, application.Token, nil
	if len(t.Permissions) > 0 {
		p.Scope = t.Permissions
	}
	return p, nil
}

// recordUse stores when the token was used, at most once a minute each.
func (s *Service) recordUse(ctx context.Context, id string, now time.Time) {
	s.usedMu.Lock()
	last, ok := s.used[id]
	if ok && now.Sub(last) < time.Minute {
		s.usedMu.Unlock()
		return
	}
	s.used[id] = now
	s.usedMu.Unlock()
	if err := s.cfg.Store.tokenUsed(ctx, id, now); err != nil {
		s.cfg.Logger.WarnContext(ctx, "could not record a token's use", "token", id, "error", err)
	}
}

// TokenInfo is a token as its owner lists it: never the secret or its
// hash.
type TokenInfo struct {
	application.APIToken
	LastUsed *time.Time `json:"lastUsed"`
}

// Tokens lists the user's tokens with when each was last used.
func (s *Service) Tokens(ctx context.Context, userID string) ([]TokenInfo, error) {
	out := []TokenInfo{}
	for _, t := range s.cfg.Accounts.Tokens(ctx, userID) {
		at, err := s.cfg.Store.lastUsed(ctx, t.ID)
		if err != nil {
			return nil, err
		}
		info := TokenInfo{APIToken: t}
		if !at.IsZero() {
			at = at.UTC()
			info.LastUsed = &at
		}
		out = append(out, info)
	}
	return out, nil
}

// RevokeToken ends the user's token id.
func (s *Service) RevokeToken(ctx context.Context, userID, id string) error {
	return s.cfg.Accounts.RevokeToken(ctx, userID, id)
}
