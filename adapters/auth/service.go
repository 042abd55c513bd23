package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Config is what a Service works with.
type Config struct {
	// Accounts is the user directory; required.
	Accounts application.Accounts
	// Store is auth.db; required.
	Store *Store
	// Params are the argon2id costs of new hashes; zero means
	// DefaultParams.
	Params Params
	// Throttle; zero means DefaultThrottle.
	Throttle Throttle
	// SessionIdle ends a session unused for this long; 0 means 30 minutes.
	SessionIdle time.Duration
	// SessionMax ends a session this long after sign-in; 0 means 12 hours.
	SessionMax time.Duration
	// Clock defaults to time.Now.
	Clock func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// CreateAdmin creates a user with the admin role, for first-run
	// setup links; nil refuses them.
	CreateAdmin func(ctx context.Context, email, displayName string) error
}

// Service authenticates requests and runs the sign-in flows.
type Service struct {
	cfg      Config
	hasher   Hasher
	throttle *throttle
	// dummy is a hash of nothing anyone knows, verified when the email is
	// unknown so that such a login costs what a wrong password costs.
	// It is made at the first login, not at start-up, so a server that
	// nobody signs in to never pays argon2id's memory.
	dummy func() string

	usedMu sync.Mutex
	used   map[string]time.Time // token id -> last recorded use
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Params == (Params{}) {
		cfg.Params = DefaultParams
	}
	if cfg.Throttle == (Throttle{}) {
		cfg.Throttle = DefaultThrottle
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	h := Hasher{Params: cfg.Params}
	return &Service{cfg: cfg, hasher: h, throttle: newThrottle(cfg.Throttle), used: map[string]time.Time{},
		dummy: sync.OnceValue(func() string { return h.Hash(rand.Text()) })}
}

// Session is a signed-in browser session as its owner sees it: the id
// goes into the cookie, the CSRF token into every state-changing request.
type Session struct {
	ID        string
	CSRFToken string
	Principal application.Principal
	// EnrolOnly: the user's role requires TOTP and the user has none, so
	// the session holds no permission until the user enrols and signs in
	// again with a code.
	EnrolOnly bool
}

// ErrInvalidCredentials answers a login with an unknown email or a wrong
// password alike.
var ErrInvalidCredentials = domain.Errorf(domain.KindUnauthenticated, "invalid_credentials", "the email or the password is wrong")

// TooManyAttempts is a login refused by the throttle.
type TooManyAttempts struct{ RetryAfter time.Duration }

func (e *TooManyAttempts) Error() string {
	return "too many failed logins; wait " + e.RetryAfter.Round(time.Second).String()
}

// Login checks email and password (and, for a user with TOTP, second: a
// current code or an unused recovery code) for a client at addr and
// starts a new session. An unknown email, a disabled user, a wrong
// password and a wrong second factor all fail with ErrInvalidCredentials
// after the same argon2id work, and all count against the throttle of
// the email and of addr; a right password without the second factor
// its user has answers ErrSecondFactorRequired.
func (s *Service) Login(ctx context.Context, email, password, second, addr string) (Session, error) {
	now := s.cfg.Clock()
	keys := []string{"email:" + strings.ToLower(strings.TrimSpace(email)), "addr:" + addr}
	var wait time.Duration
	for _, k := range keys {
		wait = max(wait, s.throttle.wait(k, now))
	}
	if wait > 0 {
		return Session{}, &TooManyAttempts{RetryAfter: wait}
	}
	dummy := s.dummy()
	acc, ok := s.cfg.Accounts.AccountByEmail(ctx, email)
	hash, err := s.cfg.Store.credential(ctx, acc.ID)
	switch {
	case errors.Is(err, errNotFound):
		ok, hash = false, dummy
	case err != nil:
		return Session{}, err
	}
	match, rehash, err := s.hasher.Verify(hash, password)
	if err != nil {
		return Session{}, err
	}
	if !ok || !match || !acc.Active {
		s.failed(keys, now)
		return Session{}, ErrInvalidCredentials
	}
	enrolled, err := s.secondFactor(ctx, acc.ID, second, now)
	if err != nil {
		if errors.Is(err, ErrInvalidCredentials) {
			s.failed(keys, now)
		}
		return Session{}, err
	}
	for _, k := range keys {
		s.throttle.clear(k)
	}
	if rehash {
		if err := s.cfg.Store.setCredential(ctx, acc.ID, s.hasher.Hash(password), now); err != nil {
			s.cfg.Logger.WarnContext(ctx, "could not rehash a password with the current parameters", "user", acc.ID, "error", err)
		}
	}
	return s.startSession(ctx, acc, now, acc.TOTPRequired && !enrolled)
}

// failed counts a failed login against keys.
func (s *Service) failed(keys []string, now time.Time) {
	for _, k := range keys {
		s.throttle.fail(k, now)
	}
}

// startSession stores a new session of acc with fresh random ids.
func (s *Service) startSession(ctx context.Context, acc application.Account, now time.Time, enrolOnly bool) (Session, error) {
	ss := Session{ID: rand.Text() + rand.Text(), CSRFToken: rand.Text(), Principal: sessionPrincipal(acc, "", enrolOnly), EnrolOnly: enrolOnly}
	err := s.cfg.Store.addSession(ctx, digest(ss.ID), session{UserID: acc.ID, CSRF: ss.CSRFToken, Created: now, Seen: now, EnrolOnly: enrolOnly})
	return ss, err
}

// sessionPrincipal is the principal of a session working in tenant (the
// user's first when "" or when the user is no longer a member of it):
// none of the user's permissions while the session is only for TOTP
// enrolment.
func sessionPrincipal(acc application.Account, tenant string, enrolOnly bool) application.Principal {
	if tenant == "" || !acc.MemberOf(tenant) {
		tenant = acc.TenantList()[0]
	}
	p := userPrincipal(acc, tenant)
	if enrolOnly {
		p.Grants, p.Scope = []string{}, []string{} // nothing, user settings included
	}
	return p
}

// SwitchTenant makes the session id work in tenant from its next request
// on, and returns it as it is now. A tenant the user is not a member of
// is answered like one that does not exist: not found.
func (s *Service) SwitchTenant(ctx context.Context, id, tenant string) (Session, error) {
	ss, err := s.Authenticate(ctx, id)
	if err != nil {
		return Session{}, err
	}
	acc, ok := s.cfg.Accounts.Account(ctx, ss.Principal.UserID)
	if !ok || !application.ValidTenant(tenant) || !acc.MemberOf(tenant) {
		return Session{}, domain.Errorf(domain.KindNotFound, "unknown_tenant", "you are not a member of a tenant %q", tenant)
	}
	if err := s.cfg.Store.setSessionTenant(ctx, digest(id), tenant); err != nil {
		return Session{}, err
	}
	ss.Principal = sessionPrincipal(acc, tenant, ss.EnrolOnly)
	return ss, nil
}

// Authenticate returns the session whose id is in the cookie. An unknown
// id, one past its idle or absolute timeout, or one of a user disabled
// or whose password changed since is ended, and answers
// domain.KindUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, id string) (Session, error) {
	now := s.cfg.Clock()
	key := digest(id)
	ss, err := s.cfg.Store.session(ctx, key)
	if errors.Is(err, errNotFound) {
		return Session{}, errSessionEnded
	}
	if err != nil {
		return Session{}, err
	}
	acc, ok := s.cfg.Accounts.Account(ctx, ss.UserID)
	if !ok || !acc.Active || ss.Created.Before(acc.SessionsNotBefore) || now.Sub(ss.Seen) >= s.cfg.SessionIdle || now.Sub(ss.Created) >= s.cfg.SessionMax {
		return Session{}, errors.Join(errSessionEnded, s.cfg.Store.deleteSession(ctx, key))
	}
	// Recording every request would write on every read; a minute of
	// slack on the idle timeout saves that.
	if now.Sub(ss.Seen) > time.Minute {
		if err := s.cfg.Store.touchSession(ctx, key, now); err != nil {
			return Session{}, err
		}
	}
	return Session{ID: id, CSRFToken: ss.CSRF, Principal: sessionPrincipal(acc, ss.Tenant, ss.EnrolOnly), EnrolOnly: ss.EnrolOnly}, nil
}

var errSessionEnded = domain.Errorf(domain.KindUnauthenticated, "session_ended", "the session has ended; sign in again")

// Logout ends the session id.
func (s *Service) Logout(ctx context.Context, id string) error {
	return s.cfg.Store.deleteSession(ctx, digest(id))
}

// SetPassword sets the user's password and ends the user's sessions.
func (s *Service) SetPassword(ctx context.Context, userID, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	if err := s.cfg.Store.setCredential(ctx, userID, s.hasher.Hash(password), s.cfg.Clock()); err != nil {
		return err
	}
	if err := s.cfg.Accounts.PasswordChanged(ctx, userID); err != nil {
		return err
	}
	return s.cfg.Store.deleteSessionsOf(ctx, userID)
}

// minPassword is NIST SP 800-63B's minimum for a chosen password.
const minPassword = 8

func checkPassword(pw string) error {
	if n := len([]rune(pw)); n < minPassword || len(pw) > 1024 {
		return domain.Invalid("the password must have 8 to 1024 characters",
			domain.FieldError{Pointer: "/password", Detail: "expected 8 to 1024 characters"})
	}
	return nil
}

// userPrincipal is the principal of a user's session working in tenant:
// the roles and teams the user holds there, and no other tenant's.
func userPrincipal(acc application.Account, tenant string) application.Principal {
	acc = acc.In(tenant)
	return application.Principal{ID: acc.ID, Kind: application.User, UserID: acc.ID, Tenant: tenant, Tenants: acc.TenantList(),
		Grants: acc.Grants, Teams: acc.Teams, Mates: acc.Mates}
}

// digest is the hex SHA-256 under which a high-entropy secret (a session
// id, a token secret, a setup link) is stored.
func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// sameDigest compares a secret with a stored digest in constant time.
func sameDigest(secret, stored string) bool {
	return subtle.ConstantTimeCompare([]byte(digest(secret)), []byte(stored)) == 1
}
