package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Receive adds quantity to stock on hand; a receipt that names no source
// is a delivery.
func (it *Item) Receive(c contract.ReceiveStock) error {
	if err := it.ensureActive(); err != nil {
		return err
	}
	if it.onHand+c.Quantity > maxOnHand {
		return domain.Errorf(domain.KindRejected, "stock_limit", "item %s cannot hold more than %d", it.sku, int64(maxOnHand))
	}
	if c.Source == "" {
		c.Source = contract.SourceDelivery
	}
	domain.Raise(it, contract.StockReceived(c))
	return nil
}
