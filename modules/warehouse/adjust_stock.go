package warehouse

import "github.com/webos-engine/webos/domain"

// AdjustStock corrects stock on hand after a count, by a non-zero delta.
type AdjustStock struct {
	SKU    string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Delta  int64  `json:"delta" jsonschema:"minimum=-1000000000,maximum=1000000000"`
	Reason string `json:"reason" jsonschema:"minLength=1,maxLength=200"`
}

// Adjust changes stock on hand by delta. On hand never goes negative, nor
// below what is reserved for orders.
func (it *Item) Adjust(c AdjustStock) error {
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
	domain.Raise(it, StockAdjusted(c))
	return nil
}
