package orders

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/orders/contract"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// Permissions the module's commands and views require.
const (
	// PermissionPlace is what a customer (or clerk) needs to place and
	// cancel orders.
	PermissionPlace = "orders.place"
	// PermissionFulfil is what the fulfilment process needs to move an
	// order through its lifecycle.
	PermissionFulfil = "orders.fulfil"
	// PermissionView is what reading the views needs.
	PermissionView = "orders.view"
)

// Module is the Orders module, with its OrderFulfilment process. The
// process sends commands of the Warehouse and Payments modules, which
// must run beside it.
type Module struct {
	// PaymentDeadline is how long a payment may stay unanswered before
	// the order is given up (default DefaultPaymentDeadline).
	PaymentDeadline time.Duration
	// PaymentCheck is how often an unanswered payment is asked about
	// again (default DefaultPaymentCheck).
	PaymentCheck time.Duration
}

// Manifest describes the module; it needs the Warehouse's StockLevels.
func (Module) Manifest() application.Manifest {
	return application.Manifest{Name: "orders", Version: "1.0.0", Dependencies: []string{"warehouse"}, Permissions: []application.Permission{
		{Name: PermissionPlace, Description: "place and cancel orders"},
		{Name: PermissionFulfil, Description: "move orders through reservation, payment and confirmation"},
		{Name: PermissionView, Description: "read orders", ReadOnly: true},
	}}
}

// Register adds the Order commands and events, the projection, the
// views and the OrderFulfilment process.
func (m Module) Register(r *application.Registrar) error {
	stock, err := application.Lookup[whcontract.StockLevels](r.Services())
	if err != nil {
		return fmt.Errorf("orders needs the warehouse: %w", err)
	}
	application.RegisterEvent[contract.OrderPlaced](r, 1)
	application.RegisterEvent[contract.OrderFulfilmentStarted](r, 1)
	application.RegisterEvent[contract.OrderFulfilmentFailed](r, 1)
	application.RegisterEvent[contract.OrderStockReserved](r, 1)
	application.RegisterEvent[contract.OrderPaymentAuthorised](r, 1)
	application.RegisterEvent[contract.OrderConfirmed](r, 1)
	application.RegisterEvent[contract.OrderCancelled](r, 1)

	place := application.AggregateHandler(r.Repository(), application.MustBeNew,
		func(c contract.PlaceOrder) *Order { return NewOrder(c.OrderID) },
		func(_ context.Context, o *Order, c contract.PlaceOrder) error { return o.Place(c) })
	application.RegisterCommand(r, "PlaceOrder", PermissionPlace, func(ctx context.Context, c contract.PlaceOrder) (application.Result, error) {
		if err := checkOrder(ctx, stock, c); err != nil {
			return application.Result{}, err
		}
		return place(ctx, c)
	})
	command(r, "CancelOrder", PermissionPlace, func(c contract.CancelOrder) string { return c.OrderID }, (*Order).Cancel)
	command(r, "StartFulfilment", PermissionFulfil, func(c contract.StartFulfilment) string { return c.OrderID }, (*Order).StartFulfilment)
	command(r, "ReportFulfilmentFailure", PermissionFulfil, func(c contract.ReportFulfilmentFailure) string { return c.OrderID }, (*Order).ReportFailure)
	command(r, "MarkStockReserved", PermissionFulfil, func(c contract.MarkStockReserved) string { return c.OrderID }, (*Order).MarkStockReserved)
	command(r, "MarkPaymentAuthorised", PermissionFulfil, func(c contract.MarkPaymentAuthorised) string { return c.OrderID }, (*Order).MarkPaymentAuthorised)
	command(r, "ConfirmOrder", PermissionFulfil, func(c contract.ConfirmOrder) string { return c.OrderID }, (*Order).Confirm)
	command(r, "MarkCancelled", PermissionFulfil, func(c contract.MarkCancelled) string { return c.OrderID }, (*Order).MarkCancelled)

	r.Projection(ordersProjection())
	r.View("list", application.View{Collection: listCollection, DefaultSort: []application.SortKey{{Field: "placedAt", Desc: true}}, Permission: PermissionView})
	r.View("detail", application.View{Collection: detailCollection, DefaultSort: []application.SortKey{{Field: "orderId"}}, Permission: PermissionView})
	return sagas.Register(r, fulfilment(cmp.Or(m.PaymentDeadline, DefaultPaymentDeadline), cmp.Or(m.PaymentCheck, DefaultPaymentCheck)))
}

// command registers one command on an existing Order named by orderID.
func command[C any](r *application.Registrar, name, permission string, orderID func(C) string, decide func(*Order, C) error) {
	application.RegisterAggregateCommand(r, name, permission, application.MustExist, func(c C) *Order { return NewOrder(orderID(c)) }, decide)
}
