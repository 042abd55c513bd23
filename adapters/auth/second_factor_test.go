package auth_test

import (
	"context"
	"encoding/base32"
	"errors"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// codeAt is the current TOTP code of an enrolment's secret.
func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return auth.Code(raw, at)
}

func TestTwoFactorLogin(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	login := func(second string) error {
		_, err := f.svc.Login(ctx, "ada@example.com", "correct horse", second, "10.0.0.1")
		return err
	}
	en, err := f.svc.EnrolTOTP(ctx, "u1", "ada@example.com")
	if err != nil || len(en.Secret) < 32 || en.URL == "" {
		t.Fatalf("enrol: %+v %v", en, err)
	}
	if err := login(""); err != nil {
		t.Fatalf("an unconfirmed enrolment already asks for a code: %v", err)
	}
	if _, err := f.svc.ConfirmTOTP(ctx, "u1", "000000"); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("confirm with a wrong code: %v", err)
	}
	codes, err := f.svc.ConfirmTOTP(ctx, "u1", codeAt(t, en.Secret, f.clock.Now()))
	if err != nil || len(codes) != 10 {
		t.Fatalf("confirm: %v %v", codes, err)
	}
	if _, err := f.svc.EnrolTOTP(ctx, "u1", "ada@example.com"); !errors.Is(err, domain.ErrConflict) {
		t.Fatalf("enrolling again while on: %v", err)
	}
	if err := login(""); !errors.Is(err, auth.ErrSecondFactorRequired) {
		t.Fatalf("password alone: %v", err)
	}
	if err := login("123456"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("a wrong code: %v", err)
	}
	// The confirming code's step is spent: the next step's code works once.
	f.clock.Add(30 * time.Second)
	code := codeAt(t, en.Secret, f.clock.Now())
	if err := login(code); err != nil {
		t.Fatalf("the current code: %v", err)
	}
	if err := login(code); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("the same code again: %v", err)
	}
	if err := login(codes[0]); err != nil {
		t.Fatalf("a recovery code: %v", err)
	}
	if err := login(codes[0]); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("a recovery code again: %v", err)
	}
	f.clock.Add(30 * time.Second)
	if err := f.svc.DisableTOTP(ctx, "u1", "999999"); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("disable with a wrong code: %v", err)
	}
	if err := f.svc.DisableTOTP(ctx, "u1", codes[1]); err != nil {
		t.Fatalf("disable with a recovery code: %v", err)
	}
	if err := login(""); err != nil {
		t.Fatalf("after disabling: %v", err)
	}
}

func TestARoleRequiringTOTPGivesAnEnrolOnlySession(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	f.acc.Change("u1", func(a *application.Account) { a.TOTPRequired = true })
	ss, err := f.svc.Login(ctx, "ada@example.com", "correct horse", "", "10.0.0.1")
	if err != nil || !ss.EnrolOnly || len(ss.Principal.Grants) != 0 {
		t.Fatalf("login without TOTP: %+v %v", ss, err)
	}
	again, err := f.svc.Authenticate(ctx, ss.ID)
	if err != nil || !again.EnrolOnly || len(again.Principal.Grants) != 0 {
		t.Fatalf("the enrol-only session on its next request: %+v %v", again, err)
	}
	en, _ := f.svc.EnrolTOTP(ctx, "u1", "ada@example.com")
	if _, err := f.svc.ConfirmTOTP(ctx, "u1", codeAt(t, en.Secret, f.clock.Now())); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.DisableTOTP(ctx, "u1", codeAt(t, en.Secret, f.clock.Now().Add(30*time.Second))); !errors.Is(err, domain.ErrRejected) {
		t.Fatalf("disabling TOTP a role requires: %v", err)
	}
	f.clock.Add(30 * time.Second)
	ss, err = f.svc.Login(ctx, "ada@example.com", "correct horse", codeAt(t, en.Secret, f.clock.Now()), "10.0.0.1")
	if err != nil || ss.EnrolOnly || len(ss.Principal.Grants) == 0 {
		t.Fatalf("login with a code: %+v %v", ss, err)
	}
}

// A setup link resets a password, never the second factor: a user with
// TOTP on sends a code with it too. Without one the link is kept for a
// retry; a wrong code spends it, so it cannot be used to guess codes.
func TestASetupLinkDoesNotSkipTOTP(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	en, _ := f.svc.EnrolTOTP(ctx, "u1", "ada@example.com")
	if _, err := f.svc.ConfirmTOTP(ctx, "u1", codeAt(t, en.Secret, f.clock.Now())); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(30 * time.Second)
	link, err := f.svc.CreateSetupLink(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UseSetupLink(ctx, link, auth.Setup{Password: "a new password"}); !errors.Is(err, auth.ErrSecondFactorRequired) {
		t.Fatalf("a setup link without the code: %v", err)
	}
	if _, err := f.svc.Login(ctx, "ada@example.com", "a new password", codeAt(t, en.Secret, f.clock.Now()), "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("the password changed without the code: %v", err)
	}
	ss, err := f.svc.UseSetupLink(ctx, link, auth.Setup{Password: "a new password", TOTP: codeAt(t, en.Secret, f.clock.Now())})
	if err != nil || ss.EnrolOnly || len(ss.Principal.Grants) == 0 {
		t.Fatalf("the kept link with the code: %+v %v", ss, err)
	}
	f.clock.Add(30 * time.Second)
	again, _ := f.svc.CreateSetupLink(ctx, "ada@example.com")
	if _, err := f.svc.UseSetupLink(ctx, again, auth.Setup{Password: "guessing away", TOTP: "000000"}); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("a wrong code: %v", err)
	}
	if _, err := f.svc.UseSetupLink(ctx, again, auth.Setup{Password: "guessing away", TOTP: codeAt(t, en.Secret, f.clock.Now())}); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("the link after a wrong code: %v", err)
	}
}
