package warehouse_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/domain"
	wh "github.com/webos-engine/webos/modules/warehouse"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

var registered = contract.ItemRegistered{SKU: "A1", Name: "Anvil", Unit: "pcs", LowStockThreshold: 2}

func given(t *testing.T, history ...domain.Event) *testkit.AggregateScenario[*wh.Item] {
	return testkit.Given(t, wh.NewItem("A1"), history...)
}

func TestRegisterItem(t *testing.T) {
	t.Parallel()
	given(t).When(func(it *wh.Item) error {
		return it.Register(contract.RegisterItem{SKU: "A1", Name: "Anvil", Unit: "pcs", LowStockThreshold: 2})
	}).Then(registered)
}

func TestReceiveAndAdjust(t *testing.T) {
	t.Parallel()
	received := contract.StockReceived{SKU: "A1", Quantity: 5, Reference: "PO-1", Source: contract.SourceDelivery}
	given(t, registered).When(func(it *wh.Item) error {
		return it.Receive(contract.ReceiveStock{SKU: "A1", Quantity: 5, Reference: "PO-1"})
	}).Then(received)
	given(t, registered).When(func(it *wh.Item) error {
		return it.Receive(contract.ReceiveStock{SKU: "A1", Quantity: 1, Reference: "RMA-3", Source: contract.SourceReturn})
	}).Then(contract.StockReceived{SKU: "A1", Quantity: 1, Reference: "RMA-3", Source: contract.SourceReturn})

	given(t, registered, received).When(func(it *wh.Item) error {
		return it.Adjust(contract.AdjustStock{SKU: "A1", Delta: -5, Reason: "count"})
	}).Then(contract.StockAdjusted{SKU: "A1", Delta: -5, Reason: "count"})

	given(t, registered, received).When(func(it *wh.Item) error {
		return it.Adjust(contract.AdjustStock{SKU: "A1", Delta: -6, Reason: "count"})
	}).ThenError("insufficient_stock")

	given(t, registered, received).When(func(it *wh.Item) error {
		return it.Adjust(contract.AdjustStock{SKU: "A1", Delta: 0, Reason: "count"})
	}).ThenError("invalid")
}

func TestReservations(t *testing.T) {
	t.Parallel()
	received := contract.StockReceived{SKU: "A1", Quantity: 5}
	reserved := contract.StockReserved{SKU: "A1", Quantity: 3, OrderID: "O1"}
	reserve := func(q int64, order string) func(*wh.Item) error {
		return func(it *wh.Item) error {
			return it.Reserve(contract.ReserveStock{SKU: "A1", Quantity: q, OrderID: order})
		}
	}
	given(t, registered, received).When(reserve(3, "O1")).Then(reserved)
	given(t, registered, received, reserved).When(reserve(3, "O2")).ThenError("insufficient_stock")
	given(t, registered, received, reserved).When(reserve(2, "O2")).Then(contract.StockReserved{SKU: "A1", Quantity: 2, OrderID: "O2"})
	given(t, registered, received, reserved).When(reserve(3, "O1")).ThenNothing()
	given(t, registered, received, reserved).When(reserve(1, "O1")).ThenError("reservation_exists")
	given(t, registered, received, reserved).When(func(it *wh.Item) error {
		return it.Adjust(contract.AdjustStock{SKU: "A1", Delta: -3, Reason: "broken"})
	}).ThenError("reserved_stock")

	release := func(it *wh.Item) error { return it.Release(contract.ReleaseReservation{SKU: "A1", OrderID: "O1"}) }
	given(t, registered, received, reserved).When(release).Then(contract.ReservationReleased{SKU: "A1", Quantity: 3, OrderID: "O1"})
	given(t, registered, received).When(release).ThenNothing()
}

func TestDiscontinued(t *testing.T) {
	t.Parallel()
	received := contract.StockReceived{SKU: "A1", Quantity: 5}
	reserved := contract.StockReserved{SKU: "A1", Quantity: 3, OrderID: "O1"}
	gone := contract.ItemDiscontinued{SKU: "A1"}
	h := []domain.Event{registered, received, reserved, gone}
	given(t, h...).When(func(it *wh.Item) error {
		return it.Receive(contract.ReceiveStock{SKU: "A1", Quantity: 1})
	}).ThenError("item_discontinued")
	given(t, h...).When(func(it *wh.Item) error {
		return it.Adjust(contract.AdjustStock{SKU: "A1", Delta: 1, Reason: "found"})
	}).ThenError("item_discontinued")
	given(t, h...).When(func(it *wh.Item) error {
		return it.Reserve(contract.ReserveStock{SKU: "A1", Quantity: 1, OrderID: "O2"})
	}).ThenError("item_discontinued")
	given(t, h...).When(func(it *wh.Item) error {
		return it.Release(contract.ReleaseReservation{SKU: "A1", OrderID: "O1"})
	}).Then(contract.ReservationReleased{SKU: "A1", Quantity: 3, OrderID: "O1"})
	given(t, h...).When(func(it *wh.Item) error { return it.Discontinue(contract.DiscontinueItem{SKU: "A1"}) }).ThenNothing()
}
