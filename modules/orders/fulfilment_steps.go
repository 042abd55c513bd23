package orders

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders/contract"
)

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
