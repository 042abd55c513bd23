package warehouse

import (
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/jobs"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Permissions the module's commands and views require.
const (
	PermissionManageItems  = "warehouse.items.manage"
	PermissionReceiveStock = "warehouse.stock.receive"
	PermissionAdjustStock  = "warehouse.stock.adjust"
	PermissionReserveStock = "warehouse.stock.reserve"
	PermissionReadStock    = "warehouse.stock.read"
	PermissionRunReports   = "warehouse.reports.run"
)

// permissions are the module's permission declarations.
var permissions = []application.Permission{
	{Name: PermissionManageItems, Description: "register and discontinue items"},
	{Name: PermissionReceiveStock, Description: "receive stock into the warehouse"},
	{Name: PermissionAdjustStock, Description: "correct stock on hand after a count"},
	{Name: PermissionReserveStock, Description: "reserve stock and release reservations"},
	{Name: PermissionReadStock, Description: "read stock levels, movements and valuations", ReadOnly: true},
	{Name: PermissionRunReports, Description: "run the stock valuation report"},
}

// Module is the Warehouse module.
type Module struct{}

// Manifest describes the module.
func (Module) Manifest() application.Manifest {
	return application.Manifest{Name: "warehouse", Version: "1.0.0", Permissions: permissions}
}

// Register adds the Item commands and events, the projections and views,
// the StockLevels service and the stock valuation job, run nightly.
func (Module) Register(r *application.Registrar) error {
	application.RegisterEvent[contract.ItemRegistered](r, 1)
	application.RegisterEvent[contract.StockReceived](r, 2)
	application.RegisterUpcaster[contract.StockReceived](r, 1, stockReceivedV1ToV2)
	application.RegisterEvent[contract.StockAdjusted](r, 1)
	application.RegisterEvent[contract.StockReserved](r, 1)
	application.RegisterEvent[contract.ReservationReleased](r, 1)
	application.RegisterEvent[contract.ItemDiscontinued](r, 1)
	application.RegisterEvent[contract.UnitCostSet](r, 1)
	application.RegisterEvent[ValuationPageCounted](r, 1)
	application.RegisterEvent[ValuationCompleted](r, 1)

	command(r, "RegisterItem", PermissionManageItems, application.MustBeNew, func(c contract.RegisterItem) string { return c.SKU }, (*Item).Register)
	command(r, "ReceiveStock", PermissionReceiveStock, application.MustExist, func(c contract.ReceiveStock) string { return c.SKU }, (*Item).Receive)
	command(r, "AdjustStock", PermissionAdjustStock, application.MustExist, func(c contract.AdjustStock) string { return c.SKU }, (*Item).Adjust)
	command(r, "ReserveStock", PermissionReserveStock, application.MustExist, func(c contract.ReserveStock) string { return c.SKU }, (*Item).Reserve)
	command(r, "ReleaseReservation", PermissionReserveStock, application.MustExist, func(c contract.ReleaseReservation) string { return c.SKU }, (*Item).Release)
	command(r, "DiscontinueItem", PermissionManageItems, application.MustExist, func(c contract.DiscontinueItem) string { return c.SKU }, (*Item).Discontinue)
	command(r, "SetUnitCost", PermissionManageItems, application.MustExist, func(c contract.SetUnitCost) string { return c.SKU }, (*Item).SetUnitCost)

	application.ProvideService[contract.StockLevels](r, stockLevels{repo: r.Repository()})

	r.Projection(stockProjection())
	r.Projection(movementsProjection())
	r.View("stock", application.View{Collection: stockCollection, DefaultSort: []application.SortKey{{Field: "sku"}}, Permission: PermissionReadStock})
	r.View("movements", application.View{Collection: movementsCollection, DefaultSort: []application.SortKey{{Field: "position", Desc: true}}, Permission: PermissionReadStock})
	r.Projection(valuationsProjection())
	r.View("valuations", application.View{Collection: valuationsCollection, DefaultSort: []application.SortKey{{Field: "updatedAt", Desc: true}}, Permission: PermissionReadStock})
	return jobs.Register(r, "StockValuation", jobs.Spec[ValuationInput]{
		Permission: PermissionRunReports, MaxAttempts: 5, Timeout: 30 * time.Minute,
		Handler:   valuationJob{repo: r.Repository()}.run,
		Schedules: []jobs.Schedule[ValuationInput]{{Name: "nightly", Cron: NightlyValuation, TimeZone: "UTC"}},
	})
}

// NightlyValuation is when the stock valuation runs on its own: 02:00 UTC.
const NightlyValuation = "0 2 * * *"

// command registers one Item command, needing permission, whose
// aggregate is named by its SKU.
func command[C any](r *application.Registrar, name, permission string, mode application.Mode, sku func(C) string, decide func(*Item, C) error) {
	application.RegisterAggregateCommand(r, name, permission, mode, func(c C) *Item { return NewItem(sku(c)) }, decide)
}
