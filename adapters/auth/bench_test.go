package auth_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/adapters/auth"
)

// BenchmarkLogin is a successful login with the default argon2id
// parameters (one hash, one session written) and one hash alone.
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b, func(c *auth.Config) { c.Params = auth.DefaultParams })
	b.Run("hash", func(b *testing.B) {
		h := auth.Hasher{Params: auth.DefaultParams}
		for b.Loop() {
			h.Hash("correct horse battery")
		}
	})
	b.Run("login", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			if _, err := f.svc.Login(ctx, "ada@example.com", "correct horse", "", "10.0.0.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
