package warehouse_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/domain"
	wh "github.com/webos-engine/webos/modules/warehouse"
)

var registered = wh.ItemRegistered{SKU: "A1", Name: "Anvil", Unit: "pcs", LowStockThreshold: 2}

func given(t *testing.T, history ...domain.Event) *testkit.AggregateScenario[*wh.Item] {
	return testkit.Given(t, wh.NewItem("A1"), history...)
}

func TestRegisterItem(t *testing.T) {
	t.Parallel()
	given(t).When(func(it *wh.Item) error {
		return it.Register(wh.RegisterItem{SKU: "A1", Name: "Anvil", Unit: "pcs", LowStockThreshold: 2})
	}).Then(registered)
}

func TestReceiveAndAdjust(t *testing.T) {
	t.Parallel()
	received := wh.StockReceived{SKU: "A1", Quantity: 5, Reference: "PO-1"}
	given(t, registered).When(func(it *wh.Item) error {
		return it.Receive(wh.ReceiveStock{SKU: "A1", Quantity: 5, Reference: "PO-1"})
	}).Then(received)

	given(t, registered, received).When(func(it *wh.Item) error {
		return it.Adjust(wh.AdjustStock{SKU: "A1", Delta: -5, Reason: "count"})
	}).Then(wh.StockAdjusted{SKU: "A1", Delta: -5, Reason: "count"})

	given(t, registered, received).When(func(it *wh.Item) error {
		return it.Adjust(wh.AdjustStock{SKU: "A1", Delta: -6, Reason: "count"})
	}).ThenError("insufficient_stock")

	given(t, registered, received).When(func(it *wh.Item) error {
		return it.Adjust(wh.AdjustStock{SKU: "A1", Delta: 0, Reason: "count"})
	}).ThenError("invalid")
}

func TestReservations(t *testing.T) {
	t.Parallel()
	received := wh.StockReceived{SKU: "A1", Quantity: 5}
	reserved := wh.StockReserved{SKU: "A1", Quantity: 3, OrderID: "O1"}
	reserve := func(q int64, order string) func(*wh.Item) error {
		return func(it *wh.Item) error { return it.Reserve(wh.ReserveStock{SKU: "A1", Quantity: q, OrderID: order}) }
	}
	given(t, registered, received).When(reserve(3, "O1")).Then(reserved)
	given(t, registered, received, reserved).When(reserve(3, "O2")).ThenError("insufficient_stock")
	given(t, registered, received, reserved).When(reserve(2, "O2")).Then(wh.StockReserved{SKU: "A1", Quantity: 2, OrderID: "O2"})
	given(t, registered, received, reserved).When(reserve(3, "O1")).ThenNothing()
	given(t, registered, received, reserved).When(reserve(1, "O1")).ThenError("reservation_exists")
	given(t, registered, received, reserved).When(func(it *wh.Item) error {
		return it.Adjust(wh.AdjustStock{SKU: "A1", Delta: -3, Reason: "broken"})
	}).ThenError("reserved_stock")

	release := func(it *wh.Item) error { return it.Release(wh.ReleaseReservation{SKU: "A1", OrderID: "O1"}) }
	given(t, registered, received, reserved).When(release).Then(wh.ReservationReleased{SKU: "A1", Quantity: 3, OrderID: "O1"})
	given(t, registered, received).When(release).ThenNothing()
}

func TestDiscontinued(t *testing.T) {
	t.Parallel()
	received := wh.StockReceived{SKU: "A1", Quantity: 5}
	reserved := wh.StockReserved{SKU: "A1", Quantity: 3, OrderID: "O1"}
	gone := wh.ItemDiscontinued{SKU: "A1"}
	h := []domain.Event{registered, received, reserved, gone}
	given(t, h...).When(func(it *wh.Item) error {
		return it.Receive(wh.ReceiveStock{SKU: "A1", Quantity: 1})
	}).ThenError("item_discontinued")
	given(t, h...).When(func(it *wh.Item) error {
		return it.Adjust(wh.AdjustStock{SKU: "A1", Delta: 1, Reason: "found"})
	}).ThenError("item_discontinued")
	given(t, h...).When(func(it *wh.Item) error {
		return it.Reserve(wh.ReserveStock{SKU: "A1", Quantity: 1, OrderID: "O2"})
	}).ThenError("item_discontinued")
	given(t, h...).When(func(it *wh.Item) error {
		return it.Release(wh.ReleaseReservation{SKU: "A1", OrderID: "O1"})
	}).Then(wh.ReservationReleased{SKU: "A1", Quantity: 3, OrderID: "O1"})
	given(t, h...).When(func(it *wh.Item) error { return it.Discontinue(wh.DiscontinueItem{SKU: "A1"}) }).ThenNothing()
}
