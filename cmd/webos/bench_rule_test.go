package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// BenchmarkRecordRule queries identity.tokens, a view whose records have
// an owner, holding WEBOS_BENCH_DOCS documents (default 100,000: 1,000
// users with 100 tokens each, in the SQLite read-model store): the first
// page in the default order as a user granted identity.tokens.read on
// their own records (the rule becomes "userId in (the user and two team
// mates)" in the query), against the same page for a user granted the
// whole permission (no rule), in turns; it reports the median of each
// and their ratio. Issue #8: at most 1.2×.
func BenchmarkRecordRule(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("WEBOS_BENCH_DOCS")); err == nil && v > 0 {
		n = v
	}
	e, err := openEngine(commonFlags{dataDir: b.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = e.close() })
	ctx := context.Background()
	const perUser = 100
	user := func(i int) string { return fmt.Sprintf("u%05d", i) }
	err = e.models.Apply(ctx, "bench", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
		for i := range n {
			row := identity.TokenRow{ID: fmt.Sprintf("t%07d", i), UserID: user(i / perUser), Name: "bench", Permissions: []string{}}
			if err := tx.Upsert(ctx, "identity_tokens", row.ID, row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	mid := n / perUser / 2
	own := application.Principal{ID: user(mid), Kind: application.User, UserID: user(mid),
		Grants: []string{"identity.tokens.read:own"}, Mates: []string{user(mid - 1), user(mid), user(mid + 1)}}
	all := application.Principal{ID: "auditor", Kind: application.User, UserID: "auditor", Grants: []string{"identity.tokens.read"}}
	query := func(p application.Principal) time.Duration {
		start := time.Now()
		page, err := e.app.QueryView(application.WithPrincipal(ctx, p), "identity.tokens", application.Query{Limit: 50})
		if err != nil || len(page.Items) != 50 {
			b.Fatalf("%d rows, %v", len(page.Items), err)
		}
		return time.Since(start)
	}
	// The two queries take turns, so a change of load on the machine
	// weighs on both alike.
	var whole, rule []time.Duration
	for b.Loop() {
		whole = append(whole, query(all))
		rule = append(rule, query(own))
	}
	w, r := median(whole), median(rule)
	b.ReportMetric(float64(w.Microseconds()), "whole-µs")
	b.ReportMetric(float64(r.Microseconds()), "rule-µs")
	b.ReportMetric(float64(r)/float64(w), "rule/whole")
}

// median is the middle of ds, which it sorts.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}
