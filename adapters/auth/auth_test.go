package auth_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/domain"
)

func TestHasher(t *testing.T) {
	t.Parallel()
	h := auth.Hasher{Params: cheap}
	enc := h.Hash("s3cret pw")
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") || strings.Contains(enc, "s3cret") {
		t.Fatalf("encoded: %s", enc)
	}
	if h.Hash("s3cret pw") == enc {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if ok, rehash, err := h.Verify(enc, "s3cret pw"); !ok || rehash || err != nil {
		t.Fatalf("right password: %v %v %v", ok, rehash, err)
	}
	if ok, _, err := h.Verify(enc, "s3cret pW"); ok || err != nil {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
	stronger := auth.Hasher{Params: auth.Params{Memory: 2048, Time: 1, Threads: 1}}
	if ok, rehash, _ := stronger.Verify(enc, "s3cret pw"); !ok || !rehash {
		t.Fatalf("a hash made with other parameters: ok %v rehash %v, want true true", ok, rehash)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=1024,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		if _, _, err := h.Verify(bad, "x"); err == nil {
			t.Errorf("Verify(%q) accepted a malformed hash", bad)
		}
	}
}

func TestLoginRehashesWithNewParameters(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	// The same store under a service with stronger parameters.
	stronger := auth.Params{Memory: 2048, Time: 2, Threads: 1}
	f2 := auth.New(auth.Config{Accounts: f.acc, Store: storeOf(t, f), Params: stronger, Clock: f.clock.Now})
	if _, err := f2.Login(context.Background(), "ada@example.com", "correct horse", "", "1.2.3.4"); err != nil {
		t.Fatal(err)
	}
	hash := credentialOf(t, f, "u1")
	if !strings.Contains(hash, "m=2048,t=2,p=1") {
		t.Fatalf("after login with new parameters the hash is %s", hash)
	}
}

func TestLoginAnswersEveryFailureAlike(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	f.acc.Add("u2", "off@example.com")
	if err := f.svc.SetPassword(ctx, "u2", "correct horse"); err != nil {
		t.Fatal(err)
	}
	f.acc.Change("u2", func(a *accountT) { a.Active = false })
	f.acc.Add("u3", "nopw@example.com")
	for _, c := range []struct{ email, pw string }{
		{"ada@example.com", "wrong horse"}, {"nobody@example.com", "correct horse"},
		{"off@example.com", "correct horse"}, {"nopw@example.com", ""},
	} {
		_, err := f.svc.Login(ctx, c.email, c.pw, "", "10.0.0."+c.email[:1])
		if !errors.Is(err, auth.ErrInvalidCredentials) || err.Error() != auth.ErrInvalidCredentials.Error() {
			t.Errorf("%s: %v, want the one invalid-credentials answer", c.email, err)
		}
	}
	a, err := f.svc.Login(ctx, "ADA@example.com ", "correct horse", "", "10.0.0.9")
	if err != nil || a.Principal.ID != "u1" || a.Principal.Grants[0] != "warehouse.*" {
		t.Fatalf("right password: %+v %v", a, err)
	}
	b, err := f.svc.Login(ctx, "ada@example.com", "correct horse", "", "10.0.0.9")
	if err != nil || b.ID == a.ID || b.CSRFToken == a.CSRFToken {
		t.Fatalf("a second login must get a new session id and CSRF token: %v", err)
	}
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	fail := func(email, addr string) error {
		_, err := f.svc.Login(ctx, email, "wrong", "", addr)
		return err
	}
	for i := range auth.DefaultThrottle.Free {
		if err := fail("ada@example.com", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	// Each failure past the free ones makes the next attempt wait, twice
	// as long as the one before.
	var tma *auth.TooManyAttempts
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if err := fail("ada@example.com", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("the attempt after a wait: %v", err)
		}
		if err := fail("ada@example.com", "10.0.0.1"); !errors.As(err, &tma) || tma.RetryAfter != want {
			t.Fatalf("the attempt at once: %v, want a wait of %v", err, want)
		}
		f.clock.Add(want)
	}
	// Locked even with the right password, and for an unknown email alike
	// from the same address.
	if err := fail("ada@example.com", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("the attempt after a wait: %v", err)
	}
	if _, err := f.svc.Login(ctx, "ada@example.com", "correct horse", "", "10.9.9.9"); !errors.As(err, &tma) {
		t.Fatalf("right password while the account is throttled: %v", err)
	}
	if err := fail("ghost@example.com", "10.0.0.1"); !errors.As(err, &tma) {
		t.Fatalf("another email from the throttled address: %v", err)
	}
	f.clock.Add(time.Hour)
	if _, err := f.svc.Login(ctx, "ada@example.com", "correct horse", "", "10.0.0.1"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	if err := fail("ada@example.com", "10.0.0.1"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("a success clears the count: %v", err)
	}
}

// TestUnknownUserAndWrongPasswordTakeAlikeTime compares the fastest and
// the lower-quartile times of logins with an unknown email and with a
// wrong password, in random order so that load on the machine hits both
// alike (load only ever adds time, so these are what the code itself
// costs): each pair must be within 25% of each other. A shared machine
// can still skew one round, so up to three rounds are measured and one
// within the tolerance passes; without the dummy hash every round fails
// by two orders of magnitude (microseconds against milliseconds).
func TestUnknownUserAndWrongPasswordTakeAlikeTime(t *testing.T) {
	f := newFixture(t, func(c *auth.Config) {
		c.Params = auth.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
		c.Throttle = auth.Throttle{Free: 1 << 30, Base: time.Second, Max: time.Second}
	})
	var last string
	for round := range 3 {
		ok, report := timingRound(t, f)
		t.Logf("round %d: %s", round, report)
		if ok {
			return
		}
		last = report
	}
	t.Fatalf("unknown email and wrong password differ by more than 25%% in three rounds; last: %s", last)
}

// timingRound measures one round and reports whether it is within the
// tolerance.
func timingRound(t *testing.T, f *fixture) (bool, string) {
	t.Helper()
	ctx := context.Background()
	const n = 40
	var unknown, wrong []time.Duration
	for _, i := range rand.Perm(2 * n) {
		email := "ada@example.com"
		if i%2 == 0 {
			email = "nobody@example.com"
		}
		start := time.Now()
		_, err := f.svc.Login(ctx, email, "wrong horse", "", "10.0.0.1")
		d := time.Since(start)
		if !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatal(err)
		}
		if i%2 == 0 {
			unknown = append(unknown, d)
		} else {
			wrong = append(wrong, d)
		}
	}
	sort.Slice(unknown, func(i, j int) bool { return unknown[i] < unknown[j] })
	sort.Slice(wrong, func(i, j int) bool { return wrong[i] < wrong[j] })
	ok, report := true, ""
	for _, q := range []struct {
		name string
		at   int
	}{{"fastest", 0}, {"lower quartile", n / 4}} {
		u, w := unknown[q.at], wrong[q.at]
		ratio := float64(u) / float64(w)
		ok = ok && ratio >= 0.75 && ratio <= 1.25
		report += fmt.Sprintf("%s: unknown email %v, wrong password %v (%.2f×); ", q.name, u, w, ratio)
	}
	return ok, report
}

func TestSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *auth.Config) { c.SessionIdle, c.SessionMax = 10*time.Minute, time.Hour })
	ctx := context.Background()
	login := func() auth.Session {
		t.Helper()
		ss, err := f.svc.Login(ctx, "ada@example.com", "correct horse", "", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	ended := func(ss auth.Session, when string) {
		t.Helper()
		if _, err := f.svc.Authenticate(ctx, ss.ID); domain.KindOf(err) != domain.KindUnauthenticated {
			t.Fatalf("%s: the session still works (%v)", when, err)
		}
	}
	ss := login()
	got, err := f.svc.Authenticate(ctx, ss.ID)
	if err != nil || got.Principal.ID != "u1" || got.CSRFToken != ss.CSRFToken {
		t.Fatalf("Authenticate: %+v %v", got, err)
	}
	if _, err := f.svc.Authenticate(ctx, ss.ID+"x"); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("a made-up id: %v", err)
	}

	// Idle: used every 9 minutes it lives until the absolute timeout.
	for range 6 {
		f.clock.Add(9 * time.Minute)
		if _, err := f.svc.Authenticate(ctx, ss.ID); err != nil {
			t.Fatalf("after %v of use: %v", f.clock.Now(), err)
		}
	}
	f.clock.Add(7 * time.Minute)
	ended(ss, "past the absolute timeout")

	ss = login()
	f.clock.Add(11 * time.Minute)
	ended(ss, "idle for 11 minutes")

	ss = login()
	if err := f.svc.Logout(ctx, ss.ID); err != nil {
		t.Fatal(err)
	}
	ended(ss, "after logout")

	ss = login()
	f.clock.Add(time.Second)
	f.acc.Change("u1", func(a *accountT) { a.Active, a.SessionsNotBefore = false, f.clock.Now() })
	ended(ss, "after the user was disabled")
	f.acc.Change("u1", func(a *accountT) { a.Active = true })
	ended(ss, "after the user was enabled again")

	ss = login()
	f.clock.Add(time.Second)
	if err := f.svc.SetPassword(ctx, "u1", "a new horse"); err != nil {
		t.Fatal(err)
	}
	ended(ss, "after a password change")
}

func TestTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ctx := context.Background()
	it, err := f.svc.IssueToken(ctx, "u1", "ci", []string{"warehouse.stock.read"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(it.Secret, "webos_"+it.ID+"_") || strings.Contains(it.SecretHash, it.Secret[len("webos_"+it.ID+"_"):]) {
		t.Fatalf("issued: %+v", it)
	}
	p, err := f.svc.Bearer(ctx, it.Secret)
	if err != nil || p.ID != "token:"+it.ID || p.UserID != "u1" || strings.Join(p.Scope, ",") != "warehouse.stock.read" {
		t.Fatalf("Bearer: %+v %v", p, err)
	}
	for _, bad := range []string{"", "webos_", it.Secret + "x", "webos_" + it.ID + "_" + strings.Repeat("A", 52), strings.TrimPrefix(it.Secret, "webos_")} {
		if _, err := f.svc.Bearer(ctx, bad); domain.KindOf(err) != domain.KindUnauthenticated {
			t.Errorf("Bearer(%q): %v", bad, err)
		}
	}
	list, err := f.svc.Tokens(ctx, "u1")
	if err != nil || len(list) != 1 || list[0].LastUsed == nil || !list[0].LastUsed.Equal(f.clock.Now()) {
		t.Fatalf("Tokens: %+v %v", list, err)
	}
	f.clock.Add(time.Hour)
	if _, err := f.svc.Bearer(ctx, it.Secret); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("an expired token: %v", err)
	}
	it2, err := f.svc.IssueToken(ctx, "u1", "ci2", nil, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := f.svc.Bearer(ctx, it2.Secret); err != nil || p.Scope != nil {
		t.Fatalf("an unscoped token: %+v %v", p, err)
	}
	if err := f.svc.RevokeToken(ctx, "u1", it2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Bearer(ctx, it2.Secret); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("a revoked token: %v", err)
	}
	for _, life := range []time.Duration{0, -time.Second, auth.MaxTokenLife + time.Second} {
		if _, err := f.svc.IssueToken(ctx, "u1", "x", nil, life); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("a token living %v: %v", life, err)
		}
	}
}

func TestSetupLinks(t *testing.T) {
	t.Parallel()
	var created []string
	f := newFixture(t, func(c *auth.Config) {
		c.CreateAdmin = func(_ context.Context, email, name string) error {
			created = append(created, email)
			return nil
		}
	})
	ctx := context.Background()
	link, err := f.svc.CreateSetupLink(ctx, "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UseSetupLink(ctx, link, auth.Setup{Password: "short"}); domain.KindOf(err) != domain.KindInvalid {
		t.Fatalf("a short password: %v", err)
	}
	ss, err := f.svc.UseSetupLink(ctx, link, auth.Setup{Password: "from the link"})
	if err != nil || ss.Principal.ID != "u1" {
		t.Fatalf("setup: %+v %v", ss, err)
	}
	if _, err := f.svc.Login(ctx, "ada@example.com", "from the link", "", "10.0.0.1"); err != nil {
		t.Fatalf("login with the password set by the link: %v", err)
	}
	if _, err := f.svc.UseSetupLink(ctx, link, auth.Setup{Password: "again and again"}); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("a used link: %v", err)
	}
	old, _ := f.svc.CreateSetupLink(ctx, "ada@example.com")
	f.clock.Add(auth.SetupLinkLife)
	if _, err := f.svc.UseSetupLink(ctx, old, auth.Setup{Password: "too late now"}); domain.KindOf(err) != domain.KindUnauthenticated {
		t.Fatalf("an expired link: %v", err)
	}
	// A first-run link creates the administrator only while nobody exists.
	first, _ := f.svc.CreateSetupLink(ctx, "")
	if _, err := f.svc.UseSetupLink(ctx, first, auth.Setup{Email: "eve@example.com", Password: "first run pw"}); domain.KindOf(err) != domain.KindUnauthenticated || len(created) != 0 {
		t.Fatalf("a first-run link once users exist: %v, created %v", err, created)
	}
}
