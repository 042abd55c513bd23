package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// SetupLinkLife is how long a setup link works.
const SetupLinkLife = 24 * time.Hour

// CreateSetupLink returns a one-time secret that lets whoever holds it
// set the password of the user with email, once, within SetupLinkLife;
// with email "" it creates the first administrator instead (first run).
// Only its hash is stored.
func (s *Service) CreateSetupLink(ctx context.Context, email string) (string, error) {
	secret := rand.Text() + rand.Text()
	return secret, s.cfg.Store.addSetupLink(ctx, digest(secret), email, s.cfg.Clock().Add(SetupLinkLife))
}

var errBadLink = domain.Errorf(domain.KindUnauthenticated, "invalid_setup_link", "the setup link is unknown, used or expired; ask for a new one")

// Setup is what the holder of a setup link sends: the password, and for
// a first-run link the administrator's email and display name.
type Setup struct {
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Password    string `json:"password"`
	// TOTP is a one-time or recovery code: a setup link resets a
	// password, never the second factor, so a user with two-factor
	// authentication on proves it here as at login.
	TOTP string `json:"totp"`
}

// UseSetupLink sets the password of the link's user (first creating the
// administrator, for a first-run link) and signs the user in. The link
// is spent only when it worked.
func (s *Service) UseSetupLink(ctx context.Context, secret string, in Setup) (Session, error) {
	if err := checkPassword(in.Password); err != nil {
		return Session{}, err
	}
	email, err := s.cfg.Store.takeSetupLink(ctx, digest(secret), s.cfg.Clock())
	if errors.Is(err, errNotFound) {
		return Session{}, errBadLink
	}
	if err != nil {
		return Session{}, err
	}
	if email == "" {
		if s.cfg.CreateAdmin == nil || !s.cfg.Accounts.Empty(ctx) {
			return Session{}, errBadLink
		}
		if err := s.cfg.CreateAdmin(ctx, in.Email, in.DisplayName); err != nil {
			// Give the link back, so a typo in the email does not cost it.
			return Session{}, errors.Join(err, s.cfg.Store.addSetupLink(ctx, digest(secret), "", s.cfg.Clock().Add(SetupLinkLife)))
		}
		email = in.Email
	}
	acc, ok := s.cfg.Accounts.AccountByEmail(ctx, email)
	if !ok || !acc.Active {
		return Session{}, errBadLink
	}
	enrolled, err := s.secondFactor(ctx, acc.ID, in.TOTP, s.cfg.Clock())
	if errors.Is(err, ErrSecondFactorRequired) {
		// No code sent: give the link back, so the user can send one. A
		// wrong code spends it, so the link cannot be used to guess codes.
		return Session{}, errors.Join(err, s.cfg.Store.addSetupLink(ctx, digest(secret), email, s.cfg.Clock().Add(SetupLinkLife)))
	}
	if err != nil {
		return Session{}, err
	}
	if err := s.SetPassword(ctx, acc.ID, in.Password); err != nil {
		return Session{}, err
	}
	acc, _ = s.cfg.Accounts.Account(ctx, acc.ID)
	return s.startSession(ctx, acc, s.cfg.Clock(), acc.TOTPRequired && !enrolled)
}

// Accounts is the directory the service reads, for callers that resolve
// principals themselves.
func (s *Service) Accounts() application.Accounts { return s.cfg.Accounts }
