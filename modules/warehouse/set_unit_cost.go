package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// SetUnitCost records the item's unit cost; setting the same again
// changes nothing.
func (it *Item) SetUnitCost(c contract.SetUnitCost) error {
	if it.unitCost == c.UnitCost && it.currency == c.Currency {
		return nil
	}
	domain.Raise(it, contract.UnitCostSet(c))
	return nil
}
