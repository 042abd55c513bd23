package warehouse

import (
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// DemoData is a small sample catalogue with some stock movements, loaded
// by `webos serve --demo` through the ordinary commands.
func (Module) DemoData() []application.DemoBatch {
	items := []struct {
		sku, name, unit      string
		threshold, qty, cost int64
	}{
		{"CHAIR-OAK", "Oak chair", "pcs", 10, 42, 8900},
		{"DESK-WALNUT", "Walnut desk", "pcs", 3, 7, 45000},
		{"LAMP-BRASS", "Brass desk lamp", "pcs", 5, 4, 6450},
		{"SCREW-M4", "M4 screw, zinc", "box", 20, 350, 395},
		{"OIL-LINSEED", "Linseed oil", "l", 8, 25, 1280},
	}
	var out []application.DemoBatch
	for _, it := range items {
		out = append(out, application.DemoBatch{
			{Name: "warehouse.RegisterItem", Body: contract.RegisterItem{SKU: it.sku, Name: it.name, Unit: it.unit, LowStockThreshold: it.threshold}},
			{Name: "warehouse.ReceiveStock", Body: contract.ReceiveStock{SKU: it.sku, Quantity: it.qty, Reference: "DEMO-OPENING"}},
			{Name: "warehouse.SetUnitCost", Body: contract.SetUnitCost{SKU: it.sku, UnitCost: it.cost, Currency: "EUR"}},
		})
	}
	out[0] = append(out[0], application.DemoCommand{Name: "warehouse.ReserveStock", Body: contract.ReserveStock{SKU: "CHAIR-OAK", Quantity: 6, OrderID: "DEMO-ORDER-1"}})
	out[3] = append(out[3], application.DemoCommand{Name: "warehouse.AdjustStock", Body: contract.AdjustStock{SKU: "SCREW-M4", Delta: -12, Reason: "stock count"}})
	return out
}
