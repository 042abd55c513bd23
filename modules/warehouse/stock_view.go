package warehouse

import (
	"context"
	"encoding/json"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// stockCollection backs the warehouse.stock view: one document per SKU.
// The sku index serves the view's default sort, so every page of it is an
// index read rather than a sort of the whole collection.
var stockCollection = application.CollectionSpec{
	Name: "warehouse_stock",
	Fields: []application.FieldSpec{
		{Name: "sku", Type: application.String}, {Name: "name", Type: application.String},
		{Name: "unit", Type: application.String}, {Name: "onHand", Type: application.Number},
		{Name: "reserved", Type: application.Number}, {Name: "available", Type: application.Number},
		{Name: "lowStock", Type: application.Bool}, {Name: "discontinued", Type: application.Bool},
	},
	Indexes: [][]string{{"sku"}, {"name"}, {"available"}, {"lowStock"}},
}

// StockRow is a document of the warehouse.stock view.
type StockRow struct {
	SKU               string `json:"sku"`
	Name              string `json:"name"`
	Unit              string `json:"unit"`
	OnHand            int64  `json:"onHand"`
	Reserved          int64  `json:"reserved"`
	Available         int64  `json:"available"`
	LowStockThreshold int64  `json:"lowStockThreshold"`
	LowStock          bool   `json:"lowStock"`
	Discontinued      bool   `json:"discontinued"`
	// UnitCost is what a unit is worth, in minor units of Currency; both
	// are empty until warehouse.SetUnitCost.
	UnitCost int64  `json:"unitCost,omitempty"`
	Currency string `json:"currency,omitempty"`
	// Version is the item's stream version, for If-Match.
	Version uint64 `json:"version"`
}

func stockProjection() *application.Projection {
	p := application.NewProjection("warehouse.stock", stockCollection)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e contract.ItemRegistered) error {
		row := StockRow{SKU: e.SKU, Name: e.Name, Unit: e.Unit, LowStockThreshold: e.LowStockThreshold}
		return putStock(ctx, tx, env, &row)
	})
	onStock(p, func(r *StockRow, e contract.StockReceived) { r.OnHand += e.Quantity })
	onStock(p, func(r *StockRow, e contract.StockAdjusted) { r.OnHand += e.Delta })
	onStock(p, func(r *StockRow, e contract.StockReserved) { r.Reserved += e.Quantity })
	onStock(p, func(r *StockRow, e contract.ReservationReleased) { r.Reserved -= e.Quantity })
	onStock(p, func(r *StockRow, _ contract.ItemDiscontinued) { r.Discontinued = true })
	onStock(p, func(r *StockRow, e contract.UnitCostSet) { r.UnitCost, r.Currency = e.UnitCost, e.Currency })
	return p
}

// onStock handles E by loading the SKU's row, changing it and storing it.
func onStock[E interface {
	domain.Event
	ItemSKU() string
}](p *application.Projection, change func(*StockRow, E)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		raw, err := tx.Get(ctx, stockCollection.Name, e.ItemSKU())
		if err != nil {
			return err
		}
		var row StockRow
		if err := json.Unmarshal(raw, &row); err != nil {
			return err
		}
		change(&row, e)
		return putStock(ctx, tx, env, &row)
	})
}

func putStock(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, r *StockRow) error {
	r.Available = r.OnHand - r.Reserved
	r.LowStock = r.Available <= r.LowStockThreshold
	r.Version = env.StreamVersion
	return tx.Upsert(ctx, stockCollection.Name, r.SKU, r)
}
