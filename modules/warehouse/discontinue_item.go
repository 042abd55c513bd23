package warehouse

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Discontinue marks the item discontinued.
func (it *Item) Discontinue(c contract.DiscontinueItem) error {
	if it.discontinued {
		return nil
	}
	domain.Raise(it, contract.ItemDiscontinued(c))
	return nil
}
