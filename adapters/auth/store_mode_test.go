//go:build unix

package auth_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/auth"
)

// auth.db holds password hashes, TOTP secrets and sessions: only its
// owner may read it, whether it is new or was left wider by an older
// version.
func TestStoreFileIsOwnerOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "auth.db")
	for _, was := range []os.FileMode{0, 0o644} {
		if was != 0 {
			if err := os.Chmod(path, was); err != nil {
				t.Fatal(err)
			}
		}
		st, err := auth.OpenStore(path, testKeys(t))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Fatalf("auth.db (was %o) has mode %o, want 600", was, info.Mode().Perm())
		}
	}
}
