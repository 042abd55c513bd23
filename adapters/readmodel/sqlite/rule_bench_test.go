package sqlite

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
)

// noteSpec is the collection of cmd/webos's BenchmarkTenantRule as the
// engine declares it: an owner field, and the indexes led by the tenant.
var noteSpec = application.CollectionSpec{
	Name:    "bench.notes",
	Fields:  []application.FieldSpec{{Name: "owner", Type: application.String}, {Name: "tenant", Type: application.String}},
	Indexes: [][]string{{"tenant"}, {"tenant", "owner"}},
}

// BenchmarkRuleMerge is cmd/webos's BenchmarkTenantRule at the store's
// level, without the engine: 100,000 notes, alternately of the tenants
// acme and globex, 100 per owner and tenant, and the first page of 50 in
// id order filtered by tenant, against the same page filtered by tenant
// and "owner in (three owners)", the filter a record-level rule adds,
// which the store answers with a merge of the three owners' index ranges
// (armConds). The pages take turns; it reports their medians and ratio.
// The owners' notes follow one another in id order, so the page holds
// the first owner's: "first" names that owner first, as the engine's
// benchmark lists the team, and "last" names it last. SQLite merges
// three ranges as ((a, b), c), so rows of a and b pass two merge steps
// and rows of c one: the two bound what the merge costs a page
// (docs/benchmarks.md).
func BenchmarkRuleMerge(b *testing.B) {
	ctx := context.Background()
	s := open(b)
	if err := s.Declare(ctx, noteSpec); err != nil {
		b.Fatal(err)
	}
	const n, perOwner = 100_000, 100
	owner := func(i int) string { return fmt.Sprintf("u%05d", i) }
	err := s.Apply(ctx, "bench", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
		for i := range n {
			id := fmt.Sprintf("n%07d", i)
			doc := map[string]any{"tenant": []string{"acme", "globex"}[i%2], "id": id, "owner": owner(i / 2 / perOwner)}
			if err := tx.Upsert(ctx, noteSpec.Name, id, doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	mid := n / 2 / perOwner / 2
	tenant := application.Filter{Field: "tenant", Op: application.Eq, Value: "acme"}
	team := []any{owner(mid - 1), owner(mid), owner(mid + 1)}
	for _, order := range []struct {
		name   string
		owners []any
	}{{"first", team}, {"last", []any{team[2], team[1], team[0]}}} {
		b.Run(order.name, func(b *testing.B) {
			rule := application.Filter{Field: "owner", Op: application.In, Values: order.owners}
			timed := func(filters ...application.Filter) time.Duration {
				start := time.Now()
				page, err := s.Find(ctx, noteSpec.Name, application.Query{Filters: filters, Limit: 50})
				if err != nil || len(page.Items) != 50 {
					b.Fatalf("%d rows, %v", len(page.Items), err)
				}
				return time.Since(start)
			}
			var plain, ruled []time.Duration
			for b.Loop() {
				plain = append(plain, timed(tenant))
				ruled = append(ruled, timed(rule, tenant))
			}
			p, r := middle(plain), middle(ruled)
			b.ReportMetric(float64(p.Microseconds()), "tenant-µs")
			b.ReportMetric(float64(r.Microseconds()), "tenant+rule-µs")
			b.ReportMetric(float64(r)/float64(p), "rule/no-rule")
		})
	}
}

// middle is the median of ds, which it sorts.
func middle(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}
