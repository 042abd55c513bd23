package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Adjust changes stock on hand by delta. On hand never goes negative, nor
// below what is reserved for orders.
func (it *Item) Adjust(c contract.AdjustStock) error {
	if c.Delta == 0 {
		return domain.Invalid("an adjustment must change the stock", domain.FieldError{Pointer: "/delta", Detail: "must not be 0"})
	}
	if err := it.ensureActive(); err != nil {
		return err
	}
	after := it.onHand + c.Delta
	switch {
	case after < 0:
		return domain.Errorf(domain.KindRejected, "insufficient_stock", "item %s has %d on hand; cannot adjust by %d", it.sku, it.onHand, c.Delta)
	case after < it.reserved:
		return domain.Errorf(domain.KindRejected, "reserved_stock", "item %s has %d reserved; on hand cannot drop to %d", it.sku, it.reserved, after)
	case after > maxOnHand:
		return domain.Errorf(domain.KindRejected, "stock_limit", "item %s cannot hold more than %d", it.sku, int64(maxOnHand))
	}
	domain.Raise(it, contract.StockAdjusted(c))
	return nil
}
