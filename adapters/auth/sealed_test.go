package auth_test

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/settings"
)

// storedTOTP reads the TOTP secret column of auth.db as it is on disk.
func storedTOTP(t *testing.T, path, user string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var b []byte
	if err := db.QueryRow(`SELECT secret FROM totp WHERE user_id = ?`, user).Scan(&b); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTOTPSecretsAreSealedAndResealedByARotation enrols a user, finds
// the secret sealed in auth.db, rotates the master key (the old key
// still opens it, Reseal moves it under the new one), refuses a wrong
// key without writing, and seals a secret stored in plain by an older
// version.
func TestTOTPSecretsAreSealedAndResealedByARotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := settings.LoadKeyring(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "auth.db")
	st, err := auth.OpenStore(path, keys)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureOn(t, st, nil)
	en, err := f.svc.EnrolTOTP(ctx, "u1", "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ConfirmTOTP(ctx, "u1", codeAt(t, en.Secret, f.clock.Now())); err != nil {
		t.Fatal(err)
	}
	raw, _ := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(en.Secret)
	onDisk := storedTOTP(t, path, "u1")
	if !strings.HasPrefix(onDisk, "webos-secret:v1:"+keys.KeyID()+":") || strings.Contains(onDisk, string(raw)) {
		t.Fatalf("the TOTP secret is not sealed: %q", onDisk)
	}
	login := func() error {
		f.clock.Add(30 * time.Second)
		_, err := f.svc.Login(ctx, "ada@example.com", "correct horse", codeAt(t, en.Secret, f.clock.Now()), "10.0.0.1")
		return err
	}

	old := keys.KeyID()
	if _, err := settings.AddKey(dir); err != nil {
		t.Fatal(err)
	}
	if changed, err := keys.Reload(); err != nil || !changed || keys.KeyID() == old {
		t.Fatalf("reload: %v %v", changed, err)
	}
	if err := login(); err != nil {
		t.Fatalf("a secret under the old key after the switch: %v", err)
	}
	if n, err := st.Reseal(ctx); err != nil || n != 1 {
		t.Fatalf("reseal: %d %v", n, err)
	}
	if onDisk = storedTOTP(t, path, "u1"); !strings.HasPrefix(onDisk, "webos-secret:v1:"+keys.KeyID()+":") {
		t.Fatalf("not resealed: %q", onDisk)
	}
	if retired, err := keys.Retire(); err != nil || !retired || len(keys.KeyIDs()) != 1 {
		t.Fatalf("retire: %v %v %v", retired, err, keys.KeyIDs())
	}
	if err := login(); err != nil {
		t.Fatalf("after the rotation: %v", err)
	}
	if n, err := st.Reseal(ctx); err != nil || n != 0 {
		t.Fatalf("a second reseal: %d %v", n, err)
	}

	wrong, _ := settings.NewKeyring([]byte(strings.Repeat("w", 32)))
	other, err := auth.OpenStore(path, wrong)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = other.Close() }()
	if err := other.CheckSecrets(ctx); !errors.Is(err, settings.ErrWrongKey) {
		t.Fatalf("check under a wrong key: %v", err)
	}
	if _, err := other.Reseal(ctx); !errors.Is(err, settings.ErrWrongKey) || storedTOTP(t, path, "u1") != onDisk {
		t.Fatalf("reseal under a wrong key: %v", err)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if _, err := db.Exec(`UPDATE totp SET secret = ? WHERE user_id = 'u1'`, raw); err != nil {
		t.Fatal(err)
	}
	if err := login(); err != nil {
		t.Fatalf("a secret stored in plain by an older version: %v", err)
	}
	if n, err := st.Reseal(ctx); err != nil || n != 1 || !strings.HasPrefix(storedTOTP(t, path, "u1"), "webos-secret:v1:") {
		t.Fatalf("sealing a plain secret: %d %v", n, err)
	}
}
