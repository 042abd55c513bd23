package warehouse_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	wh "github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

func TestStoredV1StockReceivedIsUpcastOnRead(t *testing.T) {
	t.Parallel()
	e := testkit.NewEngine(t, wh.Module{})
	ctx := context.Background()
	// An item's stream as the module wrote it before StockReceived gained
	// its source (schema version 1).
	v1History := []domain.Envelope{
		{ID: "old-1", Type: "warehouse.ItemRegistered", SchemaVersion: 1, Data: []byte(`{"sku":"OLD-1","name":"Old","unit":"pcs","lowStockThreshold":1}`)},
		{ID: "old-2", Type: "warehouse.StockReceived", SchemaVersion: 1, Data: []byte(`{"sku":"OLD-1","quantity":5,"reference":"PO-1"}`)},
		{ID: "old-3", Type: "warehouse.StockReceived", SchemaVersion: 1, Data: []byte(`{"sku":"OLD-1","quantity":2}`)},
	}
	for i := range v1History {
		v1History[i].RecordedAt = time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)
	}
	// Appended through the store, which chains and hashes them as stored.
	if _, err := e.Events.Append(ctx, wh.StreamID("OLD-1"), domain.NoStream, v1History); err != nil {
		t.Fatal(err)
	}

	stored, err := e.Events.ReadStream(ctx, wh.StreamID("OLD-1"), 1, application.Forward, 0)
	if err != nil || len(stored) != 3 {
		t.Fatalf("read: %v %v", stored, err)
	}
	ev, err := e.App.Events().Decode(&stored[1])
	if want := (contract.StockReceived{SKU: "OLD-1", Quantity: 5, Reference: "PO-1", Source: contract.SourceDelivery}); err != nil || ev != want {
		t.Fatalf("decoded v1 event %+v (%v), want %+v", ev, err, want)
	}

	// The aggregate loads the old events and takes a new, version 2 one.
	if _, err := e.Dispatch(ctx, "warehouse.ReceiveStock", contract.ReceiveStock{SKU: "OLD-1", Quantity: 1, Source: contract.SourceReturn}); err != nil {
		t.Fatal(err)
	}
	levels, err := application.Lookup[contract.StockLevels](e.App.Services())
	if err != nil {
		t.Fatal(err)
	}
	if lvl, err := levels.Level(ctx, "OLD-1"); err != nil || lvl.OnHand != 8 || lvl.Version != 4 {
		t.Fatalf("level %+v, %v; want 8 on hand at version 4", lvl, err)
	}
	if _, err := levels.Level(ctx, "NOPE"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("level of an unknown item: %v", err)
	}

	// The projections read the old events through the same upcaster.
	page := e.Query(t, "warehouse.movements", application.Query{Sort: []application.SortKey{{Field: "position"}}})
	var kinds []string
	for _, raw := range page.Items {
		var m wh.Movement
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, m.Kind)
	}
	if len(kinds) != 3 || kinds[0] != "received" || kinds[1] != "received" || kinds[2] != "returned" {
		t.Fatalf("movement kinds %v", kinds)
	}

	// Upcasting happened on read only: the stored v1 bytes are unchanged
	// and the chain, old and new events together, still verifies.
	all, err := e.Events.ReadStream(ctx, wh.StreamID("OLD-1"), 1, application.Forward, 0)
	if err != nil {
		t.Fatal(err)
	}
	if all[1].SchemaVersion != 1 || string(all[1].Data) != string(v1History[1].Data) || all[3].SchemaVersion != 2 {
		t.Fatalf("stored versions %d/%d, data %s", all[1].SchemaVersion, all[3].SchemaVersion, all[1].Data)
	}
	if err := domain.VerifyChain("", all); err != nil {
		t.Fatal(err)
	}
}
