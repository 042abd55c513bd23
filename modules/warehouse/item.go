package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// maxOnHand bounds stock on hand so arithmetic on it can never overflow,
// far above any real warehouse.
const maxOnHand = 1 << 50

// Item is the aggregate for one SKU: its catalogue data, stock on hand and
// the reservations held for orders.
type Item struct {
	domain.Base
	sku          string
	name         string
	unit         string
	threshold    int64
	onHand       int64
	reserved     int64
	reservations map[string]int64 // order id -> quantity
	discontinued bool
	unitCost     int64
	currency     string
}

// StreamID is the event stream of the item with the given SKU.
func StreamID(sku string) string { return "warehouse.item-" + sku }

// NewItem returns the not-yet-loaded aggregate for sku.
func NewItem(sku string) *Item {
	return &Item{Base: domain.NewBase(StreamID(sku)), sku: sku, reservations: map[string]int64{}}
}

// Available is what can still be reserved.
func (it *Item) Available() int64 { return it.onHand - it.reserved }

// Apply mutates state for one event.
func (it *Item) Apply(e domain.Event) {
	switch e := e.(type) {
	case contract.ItemRegistered:
		it.name, it.unit, it.threshold = e.Name, e.Unit, e.LowStockThreshold
	case contract.StockReceived:
		it.onHand += e.Quantity
	case contract.StockAdjusted:
		it.onHand += e.Delta
	case contract.StockReserved:
		it.reservations[e.OrderID] = e.Quantity
		it.reserved += e.Quantity
	case contract.ReservationReleased:
		delete(it.reservations, e.OrderID)
		it.reserved -= e.Quantity
	case contract.ItemDiscontinued:
		it.discontinued = true
	case contract.UnitCostSet:
		it.unitCost, it.currency = e.UnitCost, e.Currency
	}
}

// ensureActive refuses changes other than releases on a discontinued item.
func (it *Item) ensureActive() error {
	if it.discontinued {
		return domain.Errorf(domain.KindRejected, "item_discontinued", "item %s is discontinued", it.sku)
	}
	return nil
}
