package warehouse_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	wh "github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

func TestRegisteringASKUTwiceIsRaceSafe(t *testing.T) {
	t.Parallel()
	e := testkit.NewEngine(t, wh.Module{})
	var wins, conflicts atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			_, err := e.Dispatch(context.Background(), "warehouse.RegisterItem", contract.RegisterItem{SKU: "R1", Name: "Rope", Unit: "m"})
			switch domain.KindOf(err) {
			case 0:
				wins.Add(1)
			case domain.KindConflict:
				conflicts.Add(1)
			default:
				t.Errorf("unexpected: %v", err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 49 {
		t.Fatalf("%d registrations won and %d conflicted, want 1 and 49", wins.Load(), conflicts.Load())
	}
}

func TestWarehouseThroughThePipeline(t *testing.T) {
	t.Parallel()
	e := testkit.NewEngine(t, wh.Module{})
	ctx := context.Background()
	steps := []struct {
		name string
		body any
		kind domain.Kind
	}{
		{"warehouse.ReceiveStock", contract.ReceiveStock{SKU: "B1", Quantity: 1}, domain.KindNotFound},
		{"warehouse.RegisterItem", contract.RegisterItem{SKU: "B1", Name: "Bolt", Unit: "pcs", LowStockThreshold: 5}, 0},
		{"warehouse.ReceiveStock", contract.ReceiveStock{SKU: "B1", Quantity: 10, Reference: "PO-1"}, 0},
		{"warehouse.ReceiveStock", contract.ReceiveStock{SKU: "B1", Quantity: 0}, domain.KindInvalid},
		{"warehouse.ReserveStock", contract.ReserveStock{SKU: "B1", Quantity: 11, OrderID: "O1"}, domain.KindRejected},
		{"warehouse.ReserveStock", contract.ReserveStock{SKU: "B1", Quantity: 6, OrderID: "O1"}, 0},
		{"warehouse.AdjustStock", contract.AdjustStock{SKU: "B1", Delta: -5, Reason: "count"}, domain.KindRejected},
		{"warehouse.RegisterItem", contract.RegisterItem{SKU: "bad sku", Name: "x", Unit: "x"}, domain.KindInvalid},
	}
	for _, s := range steps {
		if _, err := e.Dispatch(ctx, s.name, s.body); domain.KindOf(err) != s.kind {
			t.Fatalf("%s %+v: got %v, want kind %v", s.name, s.body, err, s.kind)
		}
	}
	page := e.Query(t, "warehouse.stock", application.Query{
		Filters: []application.Filter{{Field: "lowStock", Op: application.Eq, Value: true}},
	})
	if len(page.Items) != 1 {
		t.Fatalf("low stock items: %s", page.Items)
	}
	moves := e.Query(t, "warehouse.movements", application.Query{})
	if len(moves.Items) != 2 {
		t.Fatalf("movements: %s", moves.Items)
	}
}
