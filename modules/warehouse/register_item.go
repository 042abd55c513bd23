package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Register records the item's catalogue data.
func (it *Item) Register(c contract.RegisterItem) error {
	domain.Raise(it, contract.ItemRegistered(c))
	return nil
}
