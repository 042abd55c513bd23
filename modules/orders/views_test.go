package orders_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/orders"
	"github.com/webos-engine/webos/modules/orders/contract"
)

func ordersProjection(t *testing.T) *application.Projection {
	t.Helper()
	for _, p := range testkit.NewApp(t, catalogue(), orders.Module{}).Projections() {
		if p.Name() == "orders.orders" {
			return p
		}
	}
	t.Fatal("no projection orders.orders")
	return nil
}

func TestOrderViews(t *testing.T) {
	t.Parallel()
	stream := orders.StreamID("O1")
	s := testkit.Project(t, ordersProjection(t)).Given(stream, placed, reserved)
	row := orders.ListRow{OrderID: "O1", CustomerID: "C1", State: "stockReserved", Currency: "EUR", Total: 1250, LineCount: 2,
		PlacedAt: "2026-01-01T00:00:01.000000000Z", UpdatedAt: "2026-01-01T00:00:02.000000000Z", Version: 2}
	s.ThenDoc("orders_list", "O1", row)

	cancelled := contract.OrderCancelled{OrderID: "O1", Reason: "changed my mind", By: contract.ByCustomer, Was: contract.StatePaymentAuthorised}
	s.Given(stream, authorised, cancelled)
	row.State, row.Reason, row.UpdatedAt, row.Version = "cancelled", "changed my mind", "2026-01-01T00:00:04.000000000Z", 4
	s.ThenDoc("orders_list", "O1", row).ThenCount("orders_list", 1)
	s.ThenDoc("orders_detail", "O1", orders.Detail{
		ListRow: row,
		Lines: []orders.DetailLine{
			{SKU: "A1", Quantity: 2, UnitPrice: 500, Total: 1000},
			{SKU: "B1", Quantity: 1, UnitPrice: 250, Total: 250},
		},
		PaymentID: "P1", CancelledBy: "customer", Position: 4, Fulfilment: "sagas.orders.OrderFulfilment.O1",
		Timeline: []orders.TimelineEntry{
			{At: "2026-01-01T00:00:01.000000000Z", Position: 1, Source: "order", Step: "placed", Detail: "2 lines, 1250 EUR in minor units, for customer C1", Actor: "tester"},
			{At: "2026-01-01T00:00:02.000000000Z", Position: 2, Source: "order", Step: "stockReserved", Detail: "stock reserved for every line", Actor: "tester"},
			{At: "2026-01-01T00:00:03.000000000Z", Position: 3, Source: "order", Step: "paymentAuthorised", Detail: "payment P1 authorised", Actor: "tester"},
			{At: "2026-01-01T00:00:04.000000000Z", Position: 4, Source: "order", Step: "cancelled", Detail: "cancelled by customer when paymentAuthorised: changed my mind", Actor: "tester"},
		},
	})
}
