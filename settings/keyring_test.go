package settings_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webos-engine/webos/settings"
)

func TestTheKeyFileIsCreatedPrivateOnceAndReused(t *testing.T) {
	dir := t.TempDir()
	first, err := settings.LoadKeyring(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, settings.KeyFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", info, err)
	}
	again, err := settings.LoadKeyring(dir, "")
	if err != nil || again.KeyID() != first.KeyID() {
		t.Fatalf("reloaded %v %v", again, err)
	}
	sealed, err := first.Seal([]byte("s3cret"), "f")
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := again.Open(sealed, "f"); err != nil || string(plain) != "s3cret" {
		t.Fatalf("open %q %v", plain, err)
	}
}

func TestTheEnvironmentKeyWins(t *testing.T) {
	dir := t.TempDir()
	env := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	k, err := settings.LoadKeyring(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, settings.KeyFile)); !os.IsNotExist(err) {
		t.Fatalf("a key file was made although WEBOS_MASTER_KEY is set: %v", err)
	}
	if want, _ := settings.NewKeyring([]byte(strings.Repeat("k", 32))); k.KeyID() != want.KeyID() {
		t.Fatal("the environment key was not used")
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short"))} {
		if _, err := settings.LoadKeyring(dir, bad); err == nil {
			t.Fatalf("key %q accepted", bad)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, settings.KeyFile), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := settings.LoadKeyring(dir, ""); err == nil {
		t.Fatal("a damaged key file was accepted")
	}
}

func TestASealedSecretOpensOnlyWhereItWasSealed(t *testing.T) {
	k := key(0)
	sealed, err := k.Seal([]byte("pw"), "/smtp/password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealed, "webos-secret:v1:"+k.KeyID()+":") || strings.Contains(sealed, "pw") {
		t.Fatalf("sealed %q", sealed)
	}
	if again, _ := k.Seal([]byte("pw"), "/smtp/password"); again == sealed {
		t.Fatal("two seals of one secret are equal: the nonce is not fresh")
	}
	if _, err := k.Open(sealed, "/apiKeys"); !errors.Is(err, settings.ErrWrongKey) {
		t.Fatalf("moved to another field: %v", err)
	}
	if _, err := key(1).Open(sealed, "/smtp/password"); !errors.Is(err, settings.ErrWrongKey) || !strings.Contains(err.Error(), k.KeyID()) {
		t.Fatalf("another key: %v", err)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	if _, err := k.Open(tampered, "/smtp/password"); err == nil {
		t.Fatal("a tampered ciphertext opened")
	}
	if _, err := k.Open("plain text", "/smtp/password"); err == nil {
		t.Fatal("plain text opened")
	}
}

// TestAKeyringOpensUnderEveryKeyAndSealsUnderTheFirst loads two keys
// from WEBOS_MASTER_KEY and from a key file, and checks Retire leaves a
// key file another rotation changed alone.
func TestAKeyringOpensUnderEveryKeyAndSealsUnderTheFirst(t *testing.T) {
	a, b := []byte(strings.Repeat("a", 32)), []byte(strings.Repeat("b", 32))
	old, _ := settings.NewKeyring(a)
	sealed, err := old.Seal([]byte("pw"), "f")
	if err != nil {
		t.Fatal(err)
	}
	env := base64.StdEncoding.EncodeToString(b) + "," + base64.StdEncoding.EncodeToString(a)
	both, err := settings.LoadKeyring(t.TempDir(), env)
	if err != nil || len(both.KeyIDs()) != 2 {
		t.Fatalf("two keys from the environment: %v %v", both, err)
	}
	if plain, err := both.Open(sealed, "f"); err != nil || string(plain) != "pw" || both.Current(sealed) {
		t.Fatalf("open under the old key: %q %v", plain, err)
	}
	again, _ := both.Seal([]byte("pw"), "f")
	if !both.Current(again) || old.Current(again) {
		t.Fatal("a new ciphertext is not under the first key")
	}
	if retired, err := both.Retire(); retired || err != nil {
		t.Fatalf("keys from the environment were retired: %v %v", retired, err)
	}

	dir := t.TempDir()
	k, err := settings.LoadKeyring(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := settings.AddKey(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, err := settings.AddKey(dir); err != nil { // a second rotation the keyring has not read
		t.Fatal(err)
	}
	if retired, err := k.Retire(); retired || err != nil {
		t.Fatalf("retire over a newer key file: %v %v", retired, err)
	}
	if ids, _ := settings.KeyFileIDs(dir); len(ids) != 3 {
		t.Fatalf("the key file holds %v", ids)
	}
}
