package sqlite

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	for range readConns { // a connection of the pool, each time
		conn, err := s.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		err = conn.Raw(func(c any) error {
			if n := c.(*pageConn).n; n > maxCachedStmts {
				t.Errorf("a connection keeps %d statements; want at most %d", n, maxCachedStmts)
			}
			return nil
		})
		if err := errors.Join(err, conn.Close()); err != nil {
			t.Fatal(err)
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

// TestCancelledReadsLeakNothing: reads cancelled while SQLite runs them
// leave their connection interrupted, and the pool discards it; its
// prepared statements go with it (the driver would keep a connection
// open for them, with its files), and a Drop and a Close afterwards
// work.
func TestCancelledReadsLeakNothing(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "cancel.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Declare(ctx, orders); err != nil {
		t.Fatal(err)
	}
	err = s.Apply(ctx, "orders", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
		for i := range 40_000 {
			doc := map[string]any{"total": (i * 7919) % 40_000, "updated": fmt.Sprint(i * 31 % 977), "status": []string{"open", "paid"}[i%2]}
			if err := tx.Upsert(ctx, orders.Name, fmt.Sprintf("o%06d", i), doc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	files := func() int {
		fds, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd:", err)
		}
		return len(fds)
	}
	before, cancelled := files(), 0
	for i := range 30 {
		cctx, cancel := context.WithTimeout(ctx, time.Duration(1+i%4)*time.Millisecond)
		// Sorted on a field no index serves: SQLite sorts every row.
		_, err := s.Find(cctx, orders.Name, application.Query{Sort: []application.SortKey{{Field: "updated"}}})
		if err != nil {
			cancelled++
		}
		_, _ = s.Count(cctx, orders.Name, []application.Filter{{Field: "updated", Op: application.Eq, Value: "none"}})
		cancel()
		if _, err := s.Find(ctx, orders.Name, application.Query{Limit: 3}); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d of 30 pages cancelled", cancelled)
	if cancelled == 0 {
		t.Skip("no read was cancelled: the machine is faster than the test assumes")
	}
	// Each connection holds the file, its WAL and its shared memory.
	if after := files(); after > before+3*readConns {
		t.Errorf("%d reads cancelled: %d open files, %d before", cancelled, after, before)
	}
	if err := s.Drop(ctx, []string{orders.Name}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
