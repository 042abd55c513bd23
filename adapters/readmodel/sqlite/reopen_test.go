package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func TestReopenKeepsDocumentsCheckpointsAndSpecs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "readmodels.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Declare(ctx, orders); err != nil {
		t.Fatal(err)
	}
	cp := application.Checkpoint{StoreID: "s1", Position: 42, Hash: "h42"}
	err = s.Apply(ctx, "orders", cp, func(tx application.ReadModelTx) error {
		return tx.Upsert(ctx, orders.Name, "o1", map[string]any{"status": "open", "total": 10, "note": "x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if got, err := s.Checkpoint(ctx, "orders"); err != nil || got != cp {
		t.Fatalf("checkpoint after reopen: %+v, %v; want %+v", got, err, cp)
	}
	if _, err := s.Get(ctx, orders.Name, "o1"); err != nil {
		t.Fatalf("document after reopen: %v", err)
	}
	// The spec came back from the file: queries work before any Declare.
	open := []application.Filter{{Field: "status", Op: application.Eq, Value: "open"}}
	if n, err := s.Count(ctx, orders.Name, open); err != nil || n != 1 {
		t.Fatalf("count before redeclaring: %d, %v", n, err)
	}
	// Declaring the same spec again is fine; a new field and index get
	// added and cover the documents already stored.
	if err := s.Declare(ctx, orders); err != nil {
		t.Fatalf("redeclare after reopen: %v", err)
	}
	more := application.CollectionSpec{Name: orders.Name,
		Fields:  []application.FieldSpec{{Name: "note", Type: application.String}},
		Indexes: [][]string{{"note"}}}
	if err := s.Declare(ctx, more); err != nil {
		t.Fatal(err)
	}
	note := []application.Filter{{Field: "note", Op: application.Eq, Value: "x"}}
	if n, err := s.Count(ctx, orders.Name, note); err != nil || n != 1 {
		t.Fatalf("count on the added field: %d, %v", n, err)
	}
	changed := application.CollectionSpec{Name: orders.Name,
		Fields: []application.FieldSpec{{Name: "total", Type: application.String}}}
	if err := s.Declare(ctx, changed); domain.KindOf(err) != domain.KindConflict {
		t.Fatalf("changing a stored field's type after reopen: %v, want a conflict", err)
	}
}

func TestOpenRejectsUnusablePaths(t *testing.T) {
	for _, path := range []string{"", "a?mode=ro", filepath.Join(t.TempDir(), "missing-dir", "x.db")} {
		if s, err := Open(path); err == nil {
			t.Errorf("Open(%q) succeeded", path)
			_ = s.Close()
		}
	}
}

// TestStatisticsLeaveOutValueSamples: a file whose statistics hold
// sqlite_stat4 samples (as the previous release's PRAGMA optimize wrote
// them) loses them when opened, and ANALYZE as the store runs it writes
// sqlite_stat1 only, so no statement is prepared again on every binding.
func TestStatisticsLeaveOutValueSamples(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "readmodels.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Declare(ctx, orders); err != nil {
		t.Fatal(err)
	}
	err = s.Apply(ctx, "orders", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
		for i := range 100 {
			if err := tx.Upsert(ctx, orders.Name, fmt.Sprint("o", i), map[string]any{"status": fmt.Sprint("s", i%7), "total": i}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	samples := func(what string) int {
		t.Helper()
		var n int
		if err := s.write.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_stat4").Scan(&n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return n
	}
	if _, err := s.write.ExecContext(ctx, "PRAGMA analysis_limit=0; ANALYZE; PRAGMA analysis_limit="+strconv.Itoa(statsLimit)); err != nil {
		t.Fatal(err)
	}
	if samples("the old release's ANALYZE") == 0 {
		t.Fatal("no samples to drop: the test proves nothing")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if n := samples("reopened"); n != 0 {
		t.Errorf("%d samples after reopening; want none", n)
	}
	if _, err := s.write.ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	var stat1 int
	if err := s.write.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_stat1").Scan(&stat1); err != nil || stat1 == 0 {
		t.Errorf("sqlite_stat1 has %d rows, %v; want the indexes' statistics", stat1, err)
	}
	if n := samples("analysed"); n != 0 {
		t.Errorf("ANALYZE wrote %d samples; want none", n)
	}
}
