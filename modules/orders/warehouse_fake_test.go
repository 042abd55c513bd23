package orders_test

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
)

// fakeWarehouse stands in for the Warehouse module as Orders sees it,
// through its contract only: it provides StockLevels from a fixed
// catalogue.
type fakeWarehouse map[string]whcontract.StockLevel

func (fakeWarehouse) Manifest() application.Manifest {
	return application.Manifest{Name: "warehouse", Version: "0.0.0"}
}

func (f fakeWarehouse) Register(r *application.Registrar) error {
	application.ProvideService[whcontract.StockLevels](r, f)
	return nil
}

func (f fakeWarehouse) Level(_ context.Context, sku string) (whcontract.StockLevel, error) {
	l, ok := f[sku]
	if !ok {
		return whcontract.StockLevel{}, domain.Errorf(domain.KindNotFound, "not_found", "item %s does not exist", sku)
	}
	return l, nil
}

// catalogue knows A1 and B1, and OLD, discontinued.
func catalogue() fakeWarehouse {
	return fakeWarehouse{
		"A1":  {SKU: "A1", OnHand: 5, Available: 5},
		"B1":  {SKU: "B1", OnHand: 5, Available: 5},
		"OLD": {SKU: "OLD", Discontinued: true},
	}
}
