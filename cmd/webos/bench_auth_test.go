package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

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

// BenchmarkTenantCommand is what a tenant adds to a command on its way
// through the engine: warehouse.ReceiveStock dispatched in process (the
// pipeline, the repository, the SQLite append) on 200 items, by a clerk
// of the default tenant (stream ids as before tenants) and by one of the
// tenant "bench" (stream ids and idempotency scope keyed by it), in turns;
// it reports the median of each and their difference. Both pay for the
// permission check (BenchmarkPermissionCheck measures that alone).
func BenchmarkTenantCommand(b *testing.B) {
	e, err := openEngine(commonFlags{dataDir: b.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.close() })
	ctx := context.Background()
	clerk := func(tenant string) context.Context {
		tok := clerkTokenIn(b, e, tenant)
		p, err := e.auth.Bearer(ctx, tok)
		if err != nil {
			b.Fatal(err)
		}
		in := application.WithPrincipal(ctx, p)
		for i := range 200 {
			body := fmt.Sprintf(`{"sku":"SKU-%d","name":"Item %d","unit":"pcs","lowStockThreshold":1}`, i, i)
			if _, err := e.app.Dispatch(in, "warehouse.RegisterItem", []byte(body)); err != nil {
				b.Fatal(err)
			}
		}
		return in
	}
	plain, scoped := clerk(""), clerk("bench")
	i := 0
	send := func(ctx context.Context) time.Duration {
		i++
		body := fmt.Sprintf(`{"sku":"SKU-%d","quantity":1,"reference":"bench"}`, i%200)
		start := time.Now()
		if _, err := e.app.Dispatch(ctx, "warehouse.ReceiveStock", []byte(body)); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var def, ten []time.Duration
	for b.Loop() {
		def = append(def, send(plain))
		ten = append(ten, send(scoped))
	}
	d, t := median(def), median(ten)
	b.ReportMetric(float64(d.Microseconds()), "default-µs")
	b.ReportMetric(float64(t.Microseconds()), "tenant-µs")
	b.ReportMetric(float64(t-d)/float64(time.Microsecond), "diff-µs")
}
