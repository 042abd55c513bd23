package main

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
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

// BenchmarkDirectoryStart is what the identity Directory costs at each
// start on a store of WEBOS_BENCH_EVENTS warehouse events (default
// 100,000) and a few identity events: cold, reading the whole feed for
// them; warm, from the state the cold start saved in the snapshot store.
func BenchmarkDirectoryStart(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("WEBOS_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	e := benchEngine(b)
	clerkToken(b, e)
	fillWarehouse(b, e, n)
	start := func(b *testing.B, snapshots application.SnapshotStore) {
		for b.Loop() {
			d := identity.New(e.events, snapshots).Directory()
			if err := d.Sync(context.Background()); err != nil {
				b.Fatal(err)
			}
			if _, ok := d.AccountByEmail(context.Background(), "clerk@bench.example"); !ok {
				b.Fatal("the directory lost the clerk")
			}
		}
		b.ReportMetric(float64(n), "events")
	}
	b.Run("cold", func(b *testing.B) { start(b, nil) })
	if err := identity.New(e.events, e.snapshots).Directory().Sync(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Run("warm", func(b *testing.B) { start(b, e.snapshots) })
}
