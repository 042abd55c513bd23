package sqlite

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
)

// BenchmarkPageDepth pages the warehouse movements view newest-first, its
// default sort, over WEBOS_BENCH_EVENTS documents (default 100,000; the
// issue's figure is at 1,000,000): page 1 against page 20 reached by cursor, 50
// rows a page. Keyset paging served from an index costs the same at any
// depth, so the ratio of the two is the figure to watch
// (docs/benchmarks.md); an op is one of each.
func BenchmarkPageDepth(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("WEBOS_BENCH_EVENTS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	s := open(b)
	if err := s.Declare(ctx, movementSpec); err != nil {
		b.Fatal(err)
	}
	const batch = 5000
	for start := 1; start <= n; start += batch {
		err := s.Apply(ctx, "bench", application.Checkpoint{Position: uint64(start)}, func(tx application.ReadModelTx) error {
			for pos := start; pos < min(start+batch, n+1); pos++ {
				id, doc := movementDoc(pos)
				if err := tx.Upsert(ctx, movementSpec.Name, id, doc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	newestFirst := application.Query{Sort: []application.SortKey{{Field: "position", Desc: true}}, Limit: 50}
	page := func(b *testing.B, q application.Query) application.Page {
		p, err := s.Find(ctx, movementSpec.Name, q)
		if err != nil || len(p.Items) != q.Limit || p.Next == "" {
			b.Fatalf("page of %d items, next %q: %v", len(p.Items), p.Next, err)
		}
		return p
	}
	deep := newestFirst
	for range 19 {
		deep.Cursor = page(b, deep).Next
	}
	// The two pages alternate in one loop, so both meet the same load on
	// a shared machine and their ratio holds even when the times do not.
	var first, twentieth time.Duration
	for b.Loop() {
		t0 := time.Now()
		page(b, newestFirst)
		t1 := time.Now()
		page(b, deep)
		first, twentieth = first+t1.Sub(t0), twentieth+time.Since(t1)
	}
	b.ReportMetric(float64(first.Microseconds())/float64(b.N), "page1-µs")
	b.ReportMetric(float64(twentieth.Microseconds())/float64(b.N), "page20-µs")
	b.ReportMetric(float64(twentieth)/float64(first), "page20/page1")
}
