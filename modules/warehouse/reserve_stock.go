package warehouse

import "github.com/webos-engine/webos/domain"

// ReserveStock sets stock aside for an order. Sending the same reservation
// again changes nothing, so an at-least-once sender (a saga) is safe.
type ReserveStock struct {
	SKU      string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Quantity int64  `json:"quantity" jsonschema:"minimum=1,maximum=1000000000"`
	OrderID  string `json:"orderId" jsonschema:"minLength=1,maxLength=100"`
}

// Reserve holds quantity for the order, never more than is available.
func (it *Item) Reserve(c ReserveStock) error {
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
	domain.Raise(it, StockReserved(c))
	return nil
}
