package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"time"

	"github.com/webos-engine/webos/domain"
)

// recoveryCodes is how many recovery codes an enrolment hands out.
const recoveryCodes = 10

// ErrSecondFactorRequired answers a right password of a user with TOTP
// when the login brought no code.
var ErrSecondFactorRequired = domain.Errorf(domain.KindUnauthenticated, "totp_required",
	"this user signs in with a one-time code too: send it as totp (or a recovery code)")

// secondFactor checks second against the user's TOTP, if enabled, and
// reports whether it is: a code of the current step (a step used once
// is refused), or one of the recovery codes (spent by the use).
func (s *Service) secondFactor(ctx context.Context, userID, second string, now time.Time) (bool, error) {
	st, err := s.cfg.Store.totp(ctx, userID)
	switch {
	case errors.Is(err, errNotFound) || (err == nil && !st.Enabled):
		return false, nil
	case err != nil:
		return false, err
	case strings.TrimSpace(second) == "":
		return true, ErrSecondFactorRequired
	}
	if step, ok := totpMatch(st.Secret, second, now, st.LastStep); ok {
		fresh, err := s.cfg.Store.useTOTPStep(ctx, userID, step)
		if err != nil || fresh {
			return true, err
		}
		return true, ErrInvalidCredentials
	}
	spent, err := s.cfg.Store.takeRecoveryCode(ctx, userID, digest(normalCode(second)))
	if err != nil || spent {
		return true, err
	}
	return true, ErrInvalidCredentials
}

// normalCode is a recovery code as stored: upper case, no spaces or
// dashes, however it was typed.
func normalCode(c string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(c))
}

// Enrolment is a TOTP secret waiting for its first code.
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauthUrl"`
}

// EnrolTOTP gives the user a new TOTP secret, to be confirmed with a
// code (ConfirmTOTP) before it counts. A user with TOTP enabled must
// disable it first.
func (s *Service) EnrolTOTP(ctx context.Context, userID, account string) (Enrolment, error) {
	st, err := s.cfg.Store.totp(ctx, userID)
	if err == nil && st.Enabled {
		return Enrolment{}, domain.Errorf(domain.KindConflict, "totp_enabled", "two-factor authentication is on already; turn it off first")
	}
	if err != nil && !errors.Is(err, errNotFound) {
		return Enrolment{}, err
	}
	secret := make([]byte, 20)
	_, _ = rand.Read(secret) // crypto/rand.Read never fails
	if err := s.cfg.Store.setTOTP(ctx, userID, totpState{Secret: secret}); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: b32.EncodeToString(secret), URL: otpauthURL(secret, account)}, nil
}

var errBadCode = domain.Invalid("the code is not the current one", domain.FieldError{Pointer: "/code", Detail: "expected the six digits the app shows now"})

// ConfirmTOTP turns TOTP on with a first code and returns the recovery
// codes, shown this once; only their hashes are kept.
func (s *Service) ConfirmTOTP(ctx context.Context, userID, code string) ([]string, error) {
	st, err := s.cfg.Store.totp(ctx, userID)
	if errors.Is(err, errNotFound) || (err == nil && st.Enabled) {
		return nil, domain.Errorf(domain.KindConflict, "no_totp_enrolment", "there is no enrolment waiting; start one first")
	}
	if err != nil {
		return nil, err
	}
	step, ok := totpMatch(st.Secret, code, s.cfg.Clock(), st.LastStep)
	if !ok {
		return nil, errBadCode
	}
	codes := make([]string, recoveryCodes)
	hashes := make([]string, recoveryCodes)
	for i := range codes {
		c := rand.Text()[:16]
		codes[i], hashes[i] = c[:4]+"-"+c[4:8]+"-"+c[8:12]+"-"+c[12:], digest(c)
	}
	if err := s.cfg.Store.setRecoveryCodes(ctx, userID, hashes); err != nil {
		return nil, err
	}
	if err := s.cfg.Store.setTOTP(ctx, userID, totpState{Secret: st.Secret, Enabled: true, LastStep: step}); err != nil {
		return nil, err
	}
	return codes, s.cfg.Accounts.SecondFactorChanged(ctx, userID, true)
}

// DisableTOTP turns TOTP off, given a current code or a recovery code,
// unless a role of the user requires it.
func (s *Service) DisableTOTP(ctx context.Context, userID, code string) error {
	if acc, ok := s.cfg.Accounts.Account(ctx, userID); ok && acc.TOTPRequired {
		return domain.Errorf(domain.KindRejected, "totp_required_by_role", "a role of yours requires two-factor authentication")
	}
	enabled, err := s.secondFactor(ctx, userID, code, s.cfg.Clock())
	switch {
	case !enabled && err == nil:
		return domain.Errorf(domain.KindConflict, "no_totp_enrolment", "two-factor authentication is off")
	case errors.Is(err, ErrInvalidCredentials), errors.Is(err, ErrSecondFactorRequired):
		return errBadCode
	case err != nil:
		return err
	}
	if err := s.cfg.Store.deleteTOTP(ctx, userID); err != nil {
		return err
	}
	return s.cfg.Accounts.SecondFactorChanged(ctx, userID, false)
}
