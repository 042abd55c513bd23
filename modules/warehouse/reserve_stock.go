package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Reserve holds quantity for the order, never more than is available.
func (it *Item) Reserve(c contract.ReserveStock) error {
	if held, ok := it.reservations[c.OrderID]; ok {
		if held == c.Quantity {
			return nil
		}
		return domain.Errorf(domain.KindConflict, "reservation_exists",
			"order %s already holds %d of item %s; release it first", c.OrderID, held, it.sku)
	}
	if err := it.ensureActive(); err != nil {
		return err
	}
	if c.Quantity > it.Available() {
		return domain.Errorf(domain.KindRejected, "insufficient_stock",
			"item %s has %d available; cannot reserve %d", it.sku, it.Available(), c.Quantity)
	}
	domain.Raise(it, contract.StockReserved(c))
	return nil
}
