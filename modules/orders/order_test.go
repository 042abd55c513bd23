package orders_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders"
	"github.com/webos-engine/webos/modules/orders/contract"
)

var (
	placed = contract.OrderPlaced{OrderID: "O1", CustomerID: "C1", Currency: "EUR", Total: 1250,
		Lines: []contract.Line{{SKU: "A1", Quantity: 2, UnitPrice: 500}, {SKU: "B1", Quantity: 1, UnitPrice: 250}}}
	reserved   = contract.OrderStockReserved{OrderID: "O1"}
	authorised = contract.OrderPaymentAuthorised{OrderID: "O1", PaymentID: "P1"}
	confirmed  = contract.OrderConfirmed{OrderID: "O1"}
)

func given(t *testing.T, history ...domain.Event) *testkit.AggregateScenario[*orders.Order] {
	return testkit.Given(t, orders.NewOrder("O1"), history...)
}

func TestPlaceComputesTheTotalAndDropsLineCurrencies(t *testing.T) {
	t.Parallel()
	given(t).When(func(o *orders.Order) error {
		return o.Place(contract.PlaceOrder{OrderID: "O1", CustomerID: "C1", Currency: "EUR",
			Lines: []contract.Line{{SKU: "A1", Quantity: 2, UnitPrice: 500, Currency: "EUR"}, {SKU: "B1", Quantity: 1, UnitPrice: 250}}})
	}).Then(placed)
}

func TestTheLifecycleGoesForwardOnly(t *testing.T) {
	t.Parallel()
	markReserved := func(o *orders.Order) error { return o.MarkStockReserved(contract.MarkStockReserved{OrderID: "O1"}) }
	markPaid := func(o *orders.Order) error {
		return o.MarkPaymentAuthorised(contract.MarkPaymentAuthorised{OrderID: "O1", PaymentID: "P1"})
	}
	confirm := func(o *orders.Order) error { return o.Confirm(contract.ConfirmOrder{OrderID: "O1"}) }

	given(t, placed).When(markReserved).Then(reserved)
	given(t, placed, reserved).When(markPaid).Then(authorised)
	given(t, placed, reserved, authorised).When(confirm).Then(confirmed)

	// A step sent again changes nothing, so the process may resend.
	given(t, placed, reserved).When(markReserved).ThenNothing()
	given(t, placed, reserved, authorised, confirmed).When(markReserved).ThenNothing()
	given(t, placed, reserved, authorised).When(markPaid).ThenNothing()
	given(t, placed, reserved, authorised, confirmed).When(confirm).ThenNothing()

	// Skipping a step is refused.
	given(t, placed).When(markPaid).ThenError("wrong_order_state")
	given(t, placed, reserved).When(confirm).ThenError("wrong_order_state")
	// Another payment for a paid order is refused.
	given(t, placed, reserved, authorised).When(func(o *orders.Order) error {
		return o.MarkPaymentAuthorised(contract.MarkPaymentAuthorised{OrderID: "O1", PaymentID: "P2"})
	}).ThenError("payment_exists")

	cancelled := contract.OrderCancelled{OrderID: "O1", Reason: "out of stock", By: contract.ByFulfilment, Was: contract.StatePlaced}
	for _, step := range []func(*orders.Order) error{markReserved, markPaid, confirm} {
		given(t, placed, cancelled).When(step).ThenError("order_cancelled")
	}
}

func TestCancelling(t *testing.T) {
	t.Parallel()
	byCustomer := func(o *orders.Order) error {
		return o.Cancel(contract.CancelOrder{OrderID: "O1", Reason: "changed my mind"})
	}
	byProcess := func(o *orders.Order) error {
		return o.MarkCancelled(contract.MarkCancelled{OrderID: "O1", Reason: "payment declined"})
	}
	given(t, placed, reserved).When(byCustomer).
		Then(contract.OrderCancelled{OrderID: "O1", Reason: "changed my mind", By: contract.ByCustomer, Was: contract.StateStockReserved})
	given(t, placed, reserved, authorised, confirmed).When(byCustomer).
		Then(contract.OrderCancelled{OrderID: "O1", Reason: "changed my mind", By: contract.ByCustomer, Was: contract.StateConfirmed})
	given(t, placed, reserved, authorised).When(byProcess).
		Then(contract.OrderCancelled{OrderID: "O1", Reason: "payment declined", By: contract.ByFulfilment, Was: contract.StatePaymentAuthorised})

	// The process never cancels a confirmed order: the customer does.
	given(t, placed, reserved, authorised, confirmed).When(byProcess).ThenError("wrong_order_state")

	// Cancelling twice, by anyone, changes nothing.
	done := contract.OrderCancelled{OrderID: "O1", Reason: "x", By: contract.ByCustomer, Was: contract.StatePlaced}
	given(t, placed, done).When(byCustomer).ThenNothing()
	given(t, placed, done).When(byProcess).ThenNothing()
}
