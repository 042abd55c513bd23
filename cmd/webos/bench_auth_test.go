package main

import (
	"context"
	"io"
	"testing"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
)

// BenchmarkPermissionCheck is what authorisation adds to each request,
// without HTTP around it: bearer-token authentication against the
// identity Directory (SHA-256 of the secret, token, user and role
// lookups, grants), the principal put in the context, and the
// permission check of application.Roles; against application.AllowAll,
// which is what authorisation-off costs.
func BenchmarkPermissionCheck(b *testing.B) {
	e, err := openEngine(commonFlags{dataDir: b.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.close() })
	token := clerkToken(b, e)
	const perm, resource = "warehouse.stock.receive", "command:warehouse.ReceiveStock"
	access := application.Access{Permission: application.Permission{Name: perm}, Resource: resource}
	b.Run("authz-off", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			if _, err := (application.AllowAll{}).Authorize(ctx, access); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bearer-and-roles", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			p, err := e.auth.Bearer(ctx, token)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.app.Authorize(application.WithPrincipal(ctx, p), perm, resource); err != nil {
				b.Fatal(err)
			}
		}
	})
}
