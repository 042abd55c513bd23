package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Release frees the order's reservation; allowed on a discontinued item.
func (it *Item) Release(c contract.ReleaseReservation) error {
	held, ok := it.reservations[c.OrderID]
	if !ok {
		return nil
	}
	domain.Raise(it, contract.ReservationReleased{SKU: c.SKU, Quantity: held, OrderID: c.OrderID})
	return nil
}
