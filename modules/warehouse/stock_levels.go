package warehouse

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// stockLevels implements contract.StockLevels from the items' streams, so
// its answer is never behind the last command.
type stockLevels struct{ repo *application.Repository }

// Level loads the item and reports its stock.
func (s stockLevels) Level(ctx context.Context, sku string) (contract.StockLevel, error) {
	it := NewItem(sku)
	if err := s.repo.Load(ctx, it); err != nil {
		return contract.StockLevel{}, err
	}
	if !it.Root().Exists() {
		return contract.StockLevel{}, domain.Errorf(domain.KindNotFound, "not_found", "item %s does not exist", sku)
	}
	return contract.StockLevel{
		SKU: sku, OnHand: it.onHand, Reserved: it.reserved, Available: it.Available(),
		Discontinued: it.discontinued, Version: it.Root().Version(),
	}, nil
}
