package warehouse_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	wh "github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// projectionNamed finds one of the module's projections by registering the
// module into a throwaway kernel.
func projectionNamed(t *testing.T, name string) *application.Projection {
	t.Helper()
	for _, p := range testkit.NewApp(t, wh.Module{}).Projections() {
		if p.Name() == name {
			return p
		}
	}
	t.Fatalf("no projection %s", name)
	return nil
}

func TestStockView(t *testing.T) {
	t.Parallel()
	s := testkit.Project(t, projectionNamed(t, "warehouse.stock")).
		Given(wh.StreamID("A1"), registered, contract.StockReceived{SKU: "A1", Quantity: 5}, contract.StockReserved{SKU: "A1", Quantity: 4, OrderID: "O1"})
	s.ThenDoc("warehouse_stock", "A1", wh.StockRow{
		SKU: "A1", Name: "Anvil", Unit: "pcs", OnHand: 5, Reserved: 4, Available: 1,
		LowStockThreshold: 2, LowStock: true, Version: 3,
	})
	s.Given(wh.StreamID("A1"), contract.ReservationReleased{SKU: "A1", Quantity: 4, OrderID: "O1"}, contract.ItemDiscontinued{SKU: "A1"})
	s.ThenDoc("warehouse_stock", "A1", wh.StockRow{
		SKU: "A1", Name: "Anvil", Unit: "pcs", OnHand: 5, Available: 5,
		LowStockThreshold: 2, Discontinued: true, Version: 5,
	}).ThenCount("warehouse_stock", 1)
}

func TestMovementsView(t *testing.T) {
	t.Parallel()
	s := testkit.Project(t, projectionNamed(t, "warehouse.movements")).
		Given(wh.StreamID("A1"), registered,
			contract.StockReceived{SKU: "A1", Quantity: 5, Reference: "PO-7"},
			contract.StockAdjusted{SKU: "A1", Delta: -1, Reason: "broken"},
			contract.StockReserved{SKU: "A1", Quantity: 2, OrderID: "O1"},
			contract.StockReceived{SKU: "A1", Quantity: 1, Reference: "RMA-3", Source: contract.SourceReturn})
	s.ThenDoc("warehouse_movements", "event-5", wh.Movement{
		ID: "event-5", SKU: "A1", Kind: "returned", OnHandDelta: 1, Reference: "RMA-3",
		Actor: "tester", At: "2026-01-01T00:00:05.000000000Z", Position: 5,
	})
	s.ThenCount("warehouse_movements", 4).ThenDoc("warehouse_movements", "event-3", wh.Movement{
		ID: "event-3", SKU: "A1", Kind: "adjusted", OnHandDelta: -1, Reference: "broken",
		Actor: "tester", At: "2026-01-01T00:00:03.000000000Z", Position: 3,
	})
	page, err := s.Store().Find(context.Background(), "warehouse_movements", application.Query{
		Filters: []application.Filter{{Field: "kind", Op: application.Eq, Value: "reserved"}},
	})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("find reserved movements: %v %v", page.Items, err)
	}
}
