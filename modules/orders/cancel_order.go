package orders

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders/contract"
)

// Cancel is the customer cancelling, in any state but cancelled.
func (o *Order) Cancel(c contract.CancelOrder) error {
	return o.cancel(c.Reason, contract.ByCustomer)
}

// MarkCancelled is the fulfilment process giving up on an order it has
// not confirmed.
func (o *Order) MarkCancelled(c contract.MarkCancelled) error {
	if o.state == contract.StateConfirmed {
		return domain.Errorf(domain.KindConflict, "wrong_order_state",
			"order %s is confirmed; only the customer cancels a confirmed order", o.id)
	}
	reason := c.Reason
	if reason == "" {
		reason = o.failure
	}
	if reason == "" {
		reason = "the fulfilment was undone"
	}
	return o.cancel(reason, contract.ByFulfilment)
}

func (o *Order) cancel(reason, by string) error {
	if o.state == contract.StateCancelled {
		return nil
	}
	domain.Raise(o, contract.OrderCancelled{OrderID: o.id, Reason: reason, By: by, Was: o.state})
	return nil
}
