package warehouse

import "github.com/webos-engine/webos/domain"

// ReceiveStock puts a delivery on hand.
type ReceiveStock struct {
	SKU       string `json:"sku" jsonschema:"minLength=1,maxLength=64"`
	Quantity  int64  `json:"quantity" jsonschema:"minimum=1,maximum=1000000000"`
	Reference string `json:"reference,omitempty" jsonschema:"maxLength=200"`
}

// Receive adds quantity to stock on hand.
func (it *Item) Receive(c ReceiveStock) error {
	if err := it.ensureActive(); err != nil {
		return err
	}
	if it.onHand+c.Quantity > maxOnHand {
		return domain.Errorf(domain.KindRejected, "stock_limit", "item %s cannot hold more than %d", it.sku, int64(maxOnHand))
	}
	domain.Raise(it, StockReceived(c))
	return nil
}
