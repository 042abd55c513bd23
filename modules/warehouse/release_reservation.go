package warehouse

import "github.com/webos-engine/webos/domain"

// ReleaseReservation gives an order's reservation back. Releasing one that
// is not held changes nothing, so compensations can be retried.
type ReleaseReservation struct {
	SKU     string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	OrderID string `json:"orderId" jsonschema:"minLength=1,maxLength=100"`
}

// Release frees the order's reservation; allowed on a discontinued item.
func (it *Item) Release(c ReleaseReservation) error {
	held, ok := it.reservations[c.OrderID]
	if !ok {
		return nil
	}
	domain.Raise(it, ReservationReleased{SKU: c.SKU, Quantity: held, OrderID: c.OrderID})
	return nil
}
