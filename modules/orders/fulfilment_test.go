package orders_test

import (
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/modules/orders"
	"github.com/webos-engine/webos/modules/orders/contract"
	paycontract "github.com/webos-engine/webos/modules/payments/contract"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// The commands of order O1 (placed, above: A1 ×2 at 500, B1 ×1 at 250).
var (
	start       = contract.StartFulfilment{OrderID: "O1"}
	reserveA    = whcontract.ReserveStock{SKU: "A1", Quantity: 2, OrderID: "O1"}
	reserveB    = whcontract.ReserveStock{SKU: "B1", Quantity: 1, OrderID: "O1"}
	releaseA    = whcontract.ReleaseReservation{SKU: "A1", OrderID: "O1"}
	releaseB    = whcontract.ReleaseReservation{SKU: "B1", OrderID: "O1"}
	markReserve = contract.MarkStockReserved{OrderID: "O1"}
	authorise   = paycontract.AuthorisePayment{PaymentID: "pay-O1", OrderID: "O1", Amount: 1250, Currency: "EUR"}
	refund      = paycontract.RefundPayment{PaymentID: "pay-O1", Reason: "order O1 was not fulfilled"}
	markPaid    = contract.MarkPaymentAuthorised{OrderID: "O1", PaymentID: "pay-O1"}
	confirm     = contract.ConfirmOrder{OrderID: "O1"}
	cancel      = contract.MarkCancelled{OrderID: "O1"}

	approved = paycontract.PaymentAuthorised{PaymentID: "pay-O1", OrderID: "O1", Amount: 1250, Currency: "EUR", Authorisation: "A-1"}
)

const paymentStream = "payments.payment-pay-O1"

func fulfilment(t *testing.T) *testkit.SagaScenario {
	t.Helper()
	return testkit.Saga(t, orders.FulfilmentSaga,
		orders.Module{PaymentDeadline: 15 * time.Minute, PaymentCheck: 5 * time.Minute}, catalogue(), fakePayments{})
}

func reported(reason string) contract.ReportFulfilmentFailure {
	return contract.ReportFulfilmentFailure{OrderID: "O1", Reason: reason}
}

func TestFulfilmentHappyPath(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.When(orders.StreamID("O1"), placed).ThenSent(start)
	s.Succeed("O1", "start").ThenSent(reserveA, reserveB)
	s.Succeed("O1", "reserve-1").Succeed("O1", "reserve-0").ThenSent(markReserve)
	s.Succeed("O1", "mark-reserved").ThenSent(authorise)
	s.Succeed("O1", "authorise").ThenNothingSent()
	s.When(paymentStream, approved).ThenSent(markPaid)
	s.Succeed("O1", "mark-paid").ThenSent(confirm)
	s.Succeed("O1", "confirm").ThenStatus("O1", sagas.StatusCompleted)
	// The deadline was cancelled: nothing happens when it would be due.
	s.Advance(time.Hour).ThenNothingSent().ThenStatus("O1", sagas.StatusCompleted)
	// The approval delivered again changes nothing.
	s.When(paymentStream, approved).ThenNothingSent()
}

func TestDeclinedPaymentReleasesEveryReservationThenCancels(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.Given(orders.StreamID("O1"), placed)
	s.When(paymentStream, paycontract.PaymentDeclined{PaymentID: "pay-O1", OrderID: "O1", Reason: "insufficient funds"})
	s.ThenSent(reported("the payment was declined: insufficient funds")).ThenStatus("O1", sagas.StatusCompensating)
	s.Succeed("O1", "report-failure").ThenSent(refund) // a declined payment's refund changes nothing
	s.Succeed("O1", "undo:authorise").ThenSent(releaseB)
	s.Succeed("O1", "undo:reserve-1").ThenSent(releaseA)
	s.Succeed("O1", "undo:reserve-0").ThenSent(cancel)
	s.Succeed("O1", "undo:start").ThenStatus("O1", sagas.StatusCompensated, "declined")
}

func TestALineThatCannotBeReservedReleasesTheOthersThenCancels(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.When(orders.StreamID("O1"), placed).ThenSent(start)
	s.Succeed("O1", "start").ThenSent(reserveA, reserveB)
	s.Succeed("O1", "reserve-0")
	s.Refuse("O1", "reserve-1", "insufficient_stock", "item B1 has 0 available; cannot reserve 1")
	s.ThenSent(reported("line 1 (B1) could not be reserved: item B1 has 0 available; cannot reserve 1"))
	s.Succeed("O1", "report-failure").ThenSent(releaseA)
	s.Succeed("O1", "undo:reserve-0").ThenSent(cancel)
	s.Succeed("O1", "undo:start").ThenStatus("O1", sagas.StatusCompensated, "B1")
}

// TestAReservationRefusedWhileAnotherIsPendingWaitsForIt: the other line's
// answer is awaited, and its reservation released too.
func TestAReservationRefusedWhileAnotherIsPendingWaitsForIt(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.When(orders.StreamID("O1"), placed).ThenSent(start)
	s.Succeed("O1", "start").ThenSent(reserveA, reserveB)
	s.Refuse("O1", "reserve-0", "insufficient_stock", "no A1").ThenSent(reported("line 0 (A1) could not be reserved: no A1"))
	s.Succeed("O1", "report-failure").ThenNothingSent()
	s.Succeed("O1", "reserve-1").ThenSent(releaseB)
	s.Succeed("O1", "undo:reserve-1").ThenSent(cancel)
	s.Succeed("O1", "undo:start").ThenStatus("O1", sagas.StatusCompensated)
}

// TestUnansweredPaymentIsAskedAgainThenGivenUp: the payment stays
// pending; it is asked about again every check interval, and at the
// deadline the order is given up: refund (which voids the pending
// payment), release, cancel. An approval recorded after that is refunded.
func TestUnansweredPaymentIsAskedAgainThenGivenUp(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.Given(orders.StreamID("O1"), placed)
	s.Advance(5 * time.Minute).ThenSent(authorise)
	s.Succeed("O1", "check-1").ThenNothingSent()
	s.Advance(5 * time.Minute).ThenSent(authorise)
	s.Succeed("O1", "check-2")
	s.Advance(5 * time.Minute).ThenSent(reported("the payment was not answered within 15m0s"))
	s.Succeed("O1", "report-failure").ThenSent(refund)
	s.Succeed("O1", "undo:authorise").ThenSent(releaseB)
	s.SucceedAll().ThenSent(releaseA, cancel).ThenStatus("O1", sagas.StatusCompensated, "not answered")

	s.When(paymentStream, approved).ThenSent(paycontract.RefundPayment{PaymentID: "pay-O1", Reason: "approved after order O1 was cancelled"})
	s.Succeed("O1", "refund-late").ThenStatus("O1", sagas.StatusCompensated)
	s.When(paymentStream, approved).ThenNothingSent()
}

// TestALateApprovalWhileUndoingIsRefundedByTheUndo: the check in flight
// at the deadline is awaited; its approval is refunded by the undo of
// the payment step, before the reservations are released.
func TestALateApprovalWhileUndoingIsRefundedByTheUndo(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.Given(orders.StreamID("O1"), placed)
	s.Advance(15*time.Minute).ThenSent(authorise, reported("the payment was not answered within 15m0s"))
	s.Succeed("O1", "report-failure").ThenNothingSent()
	s.When(paymentStream, approved).ThenNothingSent()
	s.Succeed("O1", "check-1").ThenSent(refund)
	s.SucceedAll().ThenSent(releaseB, releaseA, cancel).ThenStatus("O1", sagas.StatusCompensated)
}

func TestCustomerCancelsAfterConfirmationRefundThenRelease(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.Given(orders.StreamID("O1"), placed).Given(paymentStream, approved).ThenStatus("O1", sagas.StatusCompleted)
	s.When(orders.StreamID("O1"), contract.OrderCancelled{OrderID: "O1", Reason: "changed my mind", By: contract.ByCustomer, Was: contract.StateConfirmed})
	s.ThenSent(refund).ThenStatus("O1", sagas.StatusCompensating, "changed my mind")
	s.Succeed("O1", "undo:authorise").ThenSent(releaseB)
	s.Succeed("O1", "undo:reserve-1").ThenSent(releaseA)
	s.Succeed("O1", "undo:reserve-0").ThenSent(cancel) // changes nothing: the order is cancelled
	s.Succeed("O1", "undo:start").ThenStatus("O1", sagas.StatusCompensated)
}

func TestCustomerCancelsBeforeTheStockIsReserved(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.When(orders.StreamID("O1"), placed).ThenSent(start)
	s.Succeed("O1", "start").ThenSent(reserveA, reserveB)
	s.When(orders.StreamID("O1"), contract.OrderCancelled{OrderID: "O1", Reason: "oops", By: contract.ByCustomer, Was: contract.StatePlaced})
	s.ThenNothingSent()
	s.Succeed("O1", "reserve-0").Refuse("O1", "reserve-1", "insufficient_stock", "none").ThenSent(releaseA)
	s.SucceedAll().ThenSent(cancel).ThenStatus("O1", sagas.StatusCompensated, "oops")
}

// TestTheProcessSurvivesARestart: the deadline set before a restart
// still fires after it.
func TestTheProcessSurvivesARestart(t *testing.T) {
	t.Parallel()
	s := fulfilment(t)
	s.Given(orders.StreamID("O1"), placed)
	s.Restart().Advance(5 * time.Minute).ThenSent(authorise)
	s.Restart().Advance(10*time.Minute).ThenSent(authorise, reported("the payment was not answered within 15m0s"))
}
