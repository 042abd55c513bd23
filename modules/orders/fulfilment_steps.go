package orders

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders/contract"
)

// StartFulfilment records that the fulfilment process took the order up.
func (o *Order) StartFulfilment(c contract.StartFulfilment) error {
	if o.state == contract.StateCancelled {
		return cancelled(o)
	}
	if !o.started {
		domain.Raise(o, contract.OrderFulfilmentStarted(c))
	}
	return nil
}

// ReportFailure records why the order cannot be fulfilled; the first
// report stands.
func (o *Order) ReportFailure(c contract.ReportFulfilmentFailure) error {
	switch {
	case o.state == contract.StateCancelled || o.failure != "":
		return nil
	case o.state == contract.StateConfirmed:
		return domain.Errorf(domain.KindConflict, "wrong_order_state", "order %s is confirmed; it was fulfilled", o.id)
	}
	domain.Raise(o, contract.OrderFulfilmentFailed(c))
	return nil
}

// MarkStockReserved records that every line's stock is held.
func (o *Order) MarkStockReserved(c contract.MarkStockReserved) error {
	return o.advance(contract.StatePlaced, contract.StateStockReserved, contract.OrderStockReserved(c))
}

// MarkPaymentAuthorised records the authorised payment. Marking it again
// with another payment is a conflict: an order is paid once.
func (o *Order) MarkPaymentAuthorised(c contract.MarkPaymentAuthorised) error {
	if o.paymentID != "" && o.paymentID != c.PaymentID && o.state != contract.StateCancelled {
		return domain.Errorf(domain.KindConflict, "payment_exists",
			"order %s is paid by payment %s, not %s", o.id, o.paymentID, c.PaymentID)
	}
	return o.advance(contract.StateStockReserved, contract.StatePaymentAuthorised, contract.OrderPaymentAuthorised(c))
}

// Confirm ends a successful fulfilment.
func (o *Order) Confirm(c contract.ConfirmOrder) error {
	return o.advance(contract.StatePaymentAuthorised, contract.StateConfirmed, contract.OrderConfirmed(c))
}
