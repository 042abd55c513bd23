package orders_test

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	paycontract "github.com/webos-engine/webos/modules/payments/contract"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
)

// fakeWarehouse stands in for the Warehouse module as Orders sees it,
// through its contract only: it provides StockLevels from a fixed
// catalogue, and takes the reservation commands the fulfilment process
// sends (the saga kit answers them).
type fakeWarehouse map[string]whcontract.StockLevel

func (fakeWarehouse) Manifest() application.Manifest {
	return application.Manifest{Name: "warehouse", Version: "0.0.0", Permissions: []application.Permission{{Name: "warehouse.manage"}}}
}

func (f fakeWarehouse) Register(r *application.Registrar) error {
	application.ProvideService[whcontract.StockLevels](r, f)
	application.RegisterCommand(r, "ReserveStock", "warehouse.manage", accept[whcontract.ReserveStock])
	application.RegisterCommand(r, "ReleaseReservation", "warehouse.manage", accept[whcontract.ReleaseReservation])
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

// accept is the handler of a command the saga kit answers itself.
func accept[C any](context.Context, C) (application.Result, error) { return application.Result{}, nil }

// fakePayments stands in for the Payments module through its contract:
// its events, and the commands the fulfilment process sends.
type fakePayments struct{}

func (fakePayments) Manifest() application.Manifest {
	return application.Manifest{Name: "payments", Version: "0.0.0", Permissions: []application.Permission{{Name: "payments.manage"}}}
}

func (fakePayments) Register(r *application.Registrar) error {
	application.RegisterEvent[paycontract.PaymentAuthorised](r, 1)
	application.RegisterEvent[paycontract.PaymentDeclined](r, 1)
	application.RegisterCommand(r, "AuthorisePayment", "payments.manage", accept[paycontract.AuthorisePayment])
	application.RegisterCommand(r, "RefundPayment", "payments.manage", accept[paycontract.RefundPayment])
	return nil
}
