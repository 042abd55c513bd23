package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/webos-engine/webos/application"
)

// TestCachedStatementsStayBoundedAndFollowDrops: more page shapes than
// the cache holds all answer right, the cache stays within its bound,
// and a collection dropped and declared again is read afresh.
func TestCachedStatementsStayBoundedAndFollowDrops(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	fill := func(n int) {
		t.Helper()
		if err := s.Declare(ctx, orders); err != nil {
			t.Fatal(err)
		}
		err := s.Apply(ctx, "orders", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
			for i := range n {
				if err := tx.Upsert(ctx, orders.Name, fmt.Sprintf("o%03d", i), map[string]any{"total": i}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	fill(200)
	for limit := 1; limit <= maxCachedStmts+20; limit++ { // each limit is a text of its own
		page, err := s.Find(ctx, orders.Name, application.Query{Limit: limit})
		if err != nil || len(page.Items) != min(limit, 200) {
			t.Fatalf("limit %d: %d items, %v", limit, len(page.Items), err)
		}
	}
	if n := len(s.stmts.stmts); n > maxCachedStmts {
		t.Errorf("%d cached statements; want at most %d", n, maxCachedStmts)
	}
	// A statement closed after its lookup (an eviction by another reader)
	// costs the reader nothing but the prepared plan.
	s.stmts.mu.Lock()
	for _, st := range s.stmts.stmts {
		_ = st.Close()
	}
	s.stmts.mu.Unlock()
	for _, limit := range []int{1, 7, 50} {
		page, err := s.Find(ctx, orders.Name, application.Query{Limit: limit})
		if err != nil || len(page.Items) != limit {
			t.Fatalf("closed statements, limit %d: %d items, %v", limit, len(page.Items), err)
		}
	}
	if err := s.Drop(ctx, []string{orders.Name}); err != nil {
		t.Fatal(err)
	}
	fill(3)
	page, err := s.Find(ctx, orders.Name, application.Query{Limit: 10})
	if err != nil || len(page.Items) != 3 {
		t.Errorf("after a drop: %d items, %v; want 3", len(page.Items), err)
	}
}
