package projections

import (
	"context"
	"encoding/json"
	"testing"

	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// TestOverlayShowsTheBatchItsOwnWrites checks every read path of the
// overlay against writes still pending in it.
func TestOverlayShowsTheBatchItsOwnWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := rmmemory.New()
	spec := application.CollectionSpec{Name: "docs", Fields: []application.FieldSpec{{Name: "n", Type: application.Number}}}
	if err := store.Declare(ctx, spec); err != nil {
		t.Fatal(err)
	}
	err := store.Apply(ctx, "p", application.Checkpoint{Position: 1}, func(stx application.ReadModelTx) error {
		o := newOverlay(stx)
		must(t, o.Upsert(ctx, "docs", "a", map[string]any{"n": 1}))
		must(t, o.Upsert(ctx, "docs", "a", map[string]any{"n": 2}))
		must(t, o.Upsert(ctx, "docs", "b", map[string]any{"n": 3}))
		if raw, err := o.Get(ctx, "docs", "a"); err != nil || string(raw) != `{"n":2}` {
			t.Fatalf("get pending: %s %v", raw, err)
		}
		must(t, o.Delete(ctx, "docs", "b"))
		if _, err := o.Get(ctx, "docs", "b"); domain.KindOf(err) != domain.KindNotFound {
			t.Fatalf("get deleted: %v", err)
		}
		if n, err := o.Count(ctx, "docs", nil); err != nil || n != 1 {
			t.Fatalf("count sees pending writes: %d %v", n, err)
		}
		must(t, o.Upsert(ctx, "docs", "c", map[string]any{"n": 5}))
		must(t, o.Patch(ctx, "docs", "c", map[string]any{"n": 6}))
		page, err := o.Find(ctx, "docs", application.Query{Filters: []application.Filter{{Field: "n", Op: application.Gte, Value: 6}}})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("find sees the patch: %s %v", page.Items, err)
		}
		return o.flush(ctx)
	})
	must(t, err)
	for id, want := range map[string]float64{"a": 2, "c": 6} {
		raw, err := store.Get(ctx, "docs", id)
		var doc map[string]float64
		if err != nil || json.Unmarshal(raw, &doc) != nil || doc["n"] != want {
			t.Fatalf("%s after flush: %s %v", id, raw, err)
		}
	}
	if _, err := store.Get(ctx, "docs", "b"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("b must stay deleted: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
