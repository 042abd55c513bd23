package projections_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// TestDocumentsWithoutATenantAreRebuilt: documents an engine from before
// tenants wrote carry no tenant, so no view would show them; the
// projection is rebuilt at start and every document comes back stamped.
func TestDocumentsWithoutATenantAreRebuilt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, tallyProjection(nil), projections.Options{})
	f.appendTicks(t, 30)
	id, err := f.events.StoreID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := f.events.Head(ctx)
	evs, err := f.events.ReadAll(ctx, head-1, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("read the head: %v", err)
	}
	last := evs[0]
	if err := f.rt.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	err = f.models.Apply(ctx, "test.tally", application.Checkpoint{StoreID: id, Position: last.Position, Hash: last.Hash},
		func(tx application.ReadModelTx) error {
			return tx.Upsert(ctx, "tally", "t", map[string]any{"count": 999})
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.rt.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := f.models.Get(ctx, "tally", "t")
	var doc struct {
		Count  int    `json:"count"`
		Tenant string `json:"tenant"`
	}
	if err != nil || json.Unmarshal(raw, &doc) != nil || doc.Count != 30 || doc.Tenant != application.DefaultTenant {
		t.Fatalf("after start: %s (%v), want the 30 ticks stamped with the default tenant", raw, err)
	}
	if w := f.logs.Records("projection wrote documents without a tenant; rebuilding it"); len(w) != 1 {
		t.Fatalf("warnings %v, want one", w)
	}
}

// TestTheVersionServingWhileARebuildRunsIsFilterableByTenant: every view
// query filters on the tenant field; an old version declared without it
// (a shared module's projection before its views were filtered) still
// answers such queries while the new version is rebuilt.
func TestTheVersionServingWhileARebuildRunsIsFilterableByTenant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, tallyProjection(nil), projections.Options{})
	f.appendTicks(t, 30)
	id, err := f.events.StoreID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := f.events.Head(ctx)
	evs, err := f.events.ReadAll(ctx, head-1, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("read the head: %v", err)
	}
	// Version 1, as an older engine declared and wrote it: no tenant field.
	if err := f.models.Declare(ctx, tally); err != nil {
		t.Fatal(err)
	}
	err = f.models.Apply(ctx, "test.tally", application.Checkpoint{StoreID: id, Position: evs[0].Position, Hash: evs[0].Hash},
		func(tx application.ReadModelTx) error {
			return tx.Upsert(ctx, "tally", "t", map[string]any{"count": 30, "tenant": application.DefaultTenant})
		})
	if err != nil {
		t.Fatal(err)
	}
	byTenant := application.Query{Filters: []application.Filter{{Field: application.TenantField, Op: application.Eq, Value: application.DefaultTenant}}}
	if _, err := f.models.Find(ctx, "tally", byTenant); err == nil {
		t.Fatal("the fixture's old collection knows the tenant field already")
	}
	rt := f.redeploy(t, versionedTally(2), slow)
	if err := rt.Declare(ctx); err != nil {
		t.Fatal(err)
	}
	page, err := rt.Views().Find(ctx, "tally", byTenant)
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("the serving version 1 filtered by tenant: %v, %d documents", err, len(page.Items))
	}
}
