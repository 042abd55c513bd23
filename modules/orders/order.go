package orders

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders/contract"
)

// Order is the aggregate for one order: its lines, total and where it is
// in its lifecycle.
type Order struct {
	domain.Base
	id        string
	state     string
	lines     []contract.Line
	total     int64
	paymentID string
	reason    string
	started   bool
	failure   string
}

// StreamID is the event stream of the order with the given id.
func StreamID(orderID string) string { return "orders.order-" + orderID }

// NewOrder returns the not-yet-loaded aggregate for orderID.
func NewOrder(orderID string) *Order {
	return &Order{Base: domain.NewBase(StreamID(orderID)), id: orderID}
}

// State is where the order is in its lifecycle (contract.State*).
func (o *Order) State() string { return o.state }

// Apply mutates state for one event.
func (o *Order) Apply(e domain.Event) {
	switch e := e.(type) {
	case contract.OrderPlaced:
		o.state, o.lines, o.total = contract.StatePlaced, e.Lines, e.Total
	case contract.OrderFulfilmentStarted:
		o.started = true
	case contract.OrderFulfilmentFailed:
		o.failure = e.Reason
	case contract.OrderStockReserved:
		o.state = contract.StateStockReserved
	case contract.OrderPaymentAuthorised:
		o.state, o.paymentID = contract.StatePaymentAuthorised, e.PaymentID
	case contract.OrderConfirmed:
		o.state = contract.StateConfirmed
	case contract.OrderCancelled:
		o.state, o.reason = contract.StateCancelled, e.Reason
	}
}

// advance moves the order from state from to the next state by raising e.
// Being there already (or further along, not cancelled) changes nothing,
// so the fulfilment process can resend; a cancelled order, or one not yet
// at from, refuses.
func (o *Order) advance(from, to string, e domain.Event) error {
	switch {
	case o.state == contract.StateCancelled:
		return cancelled(o)
	case o.state == from:
		domain.Raise(o, e)
		return nil
	case rank(o.state) >= rank(to):
		return nil
	default:
		return wrongState(o.id, o.state, from)
	}
}

// rank orders the states of a fulfilment that goes well.
func rank(state string) int {
	switch state {
	case contract.StatePlaced:
		return 1
	case contract.StateStockReserved:
		return 2
	case contract.StatePaymentAuthorised:
		return 3
	case contract.StateConfirmed:
		return 4
	}
	return 0
}

func cancelled(o *Order) error {
	return domain.Errorf(domain.KindConflict, "order_cancelled", "order %s was cancelled: %s", o.id, o.reason)
}

func wrongState(id, is, want string) error {
	return domain.Errorf(domain.KindConflict, "wrong_order_state", "order %s is %s; it must be %s", id, is, want)
}
