package auth_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/settings"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// cheap are argon2id parameters that keep the tests fast.
var cheap = auth.Params{Memory: 1024, Time: 1, Threads: 1}

type fixture struct {
	svc   *auth.Service
	acc   *testkit.Accounts
	clock *clock
	store *auth.Store
}

func newFixture(t testing.TB, adjust func(*auth.Config)) *fixture {
	t.Helper()
	st, err := auth.OpenStore(filepath.Join(t.TempDir(), "auth.db"), testKeys(t))
	if err != nil {
		t.Fatal(err)
	}
	return newFixtureOn(t, st, adjust)
}

// newFixtureOn is newFixture on the store st.
func newFixtureOn(t testing.TB, st *auth.Store, adjust func(*auth.Config)) *fixture {
	t.Helper()
	t.Cleanup(func() { _ = st.Close() })
	c := &clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	acc := testkit.NewAccounts(c.Now)
	cfg := auth.Config{Accounts: acc, Store: st, Params: cheap, Clock: c.Now}
	if adjust != nil {
		adjust(&cfg)
	}
	f := &fixture{svc: auth.New(cfg), acc: acc, clock: c, store: st}
	acc.Add("u1", "ada@example.com", "warehouse.*")
	if err := f.svc.SetPassword(context.Background(), "u1", "correct horse"); err != nil {
		t.Fatal(err)
	}
	return f
}

type accountT = application.Account

// storeOf is the fixture's auth.db.
func storeOf(t *testing.T, f *fixture) *auth.Store { t.Helper(); return f.store }

// credentialOf is the stored hash of the user's password.
func credentialOf(t *testing.T, f *fixture, userID string) string {
	t.Helper()
	h, err := auth.Credential(f.store, userID)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// testKeys is a master keyring for the TOTP secrets.
func testKeys(t testing.TB) *settings.Keyring {
	t.Helper()
	k, err := settings.NewKeyring(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}
