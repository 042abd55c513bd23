package settings_test

import (
	"context"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/settings"
)

// TestARotationKeepsEverySecretReadable seals secrets under a key file's
// key, adds a new key (as `webos keys rotate` does), and checks that
// the old ciphertexts open, that Reseal moves each document under the new
// key with one settings.Resealed holding no plaintext, and that after the
// old key is retired everything still reads.
func TestARotationKeepsEverySecretReadable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys, err := settings.LoadKeyring(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, keys)
	if _, err := f.svc.Put(admin, settings.System, settings.CoreModule,
		[]byte(`{"smtp":{"host":"mail.example.com","password":"`+password+`"},"apiKeys":{"maps":"k-123"}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Put(admin, settings.User, settings.CoreModule, []byte(`{"theme":"dark"}`)); err != nil {
		t.Fatal(err)
	}
	secret := func() string {
		t.Helper()
		plain, ok, err := f.svc.Secret(ctx, settings.CoreModule, settings.DefaultTenant, "/smtp/password")
		if err != nil || !ok {
			t.Fatalf("secret: %v %v", ok, err)
		}
		return string(plain)
	}
	old := keys.KeyID()
	next, err := settings.AddKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := keys.Reload(); err != nil || !changed || keys.KeyID() != next {
		t.Fatalf("reload: %v %v %s", changed, err, keys.KeyID())
	}
	if got := secret(); got != `"`+password+`"` {
		t.Fatalf("under the old key after the switch: %s", got)
	}
	if err := f.svc.CheckSecrets(ctx, f.engine.Events); err != nil {
		t.Fatal(err)
	}
	if n, err := f.svc.Reseal(ctx, f.engine.Events); err != nil || n != 1 {
		t.Fatalf("reseal: %d %v", n, err)
	}
	evs, err := f.engine.Events.ReadStream(ctx, "settings.system-system-default", 0, application.Backward, 1)
	if err != nil || len(evs) != 1 || evs[0].Type != "settings.Resealed" {
		t.Fatalf("last event %v %v", evs, err)
	}
	data := string(evs[0].Data)
	if strings.Contains(data, password) || strings.Contains(data, "k-123") || strings.Contains(data, old) || !strings.Contains(data, "webos-secret:v1:"+next) {
		t.Fatalf("the resealed document %s", data)
	}
	if retired, err := keys.Retire(); err != nil || !retired {
		t.Fatalf("retire: %v %v", retired, err)
	}
	if ids, _ := settings.KeyFileIDs(dir); len(ids) != 1 || ids[0] != next {
		t.Fatalf("the key file holds %v", ids)
	}
	if got := secret(); got != `"`+password+`"` {
		t.Fatalf("after the rotation: %s", got)
	}
	d, err := f.svc.Get(admin, settings.System, settings.CoreModule)
	if err != nil || d.Secrets["/apiKeys"] != settings.SecretSet || d.Values["smtp"].(map[string]any)["host"] != "mail.example.com" {
		t.Fatalf("after the rotation: %+v %v", d, err)
	}
	if n, err := f.svc.Reseal(ctx, f.engine.Events); err != nil || n != 0 {
		t.Fatalf("a second reseal: %d %v", n, err)
	}
}
