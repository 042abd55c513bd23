package sqlite

import (
	"context"
	"path/filepath"
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
