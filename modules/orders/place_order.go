package orders

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders/contract"
)

// Place records the order. The command was checked before (see
// checkOrder); lines are stored without their optional currency, which
// is the order's.
func (o *Order) Place(c contract.PlaceOrder) error {
	lines := make([]contract.Line, len(c.Lines))
	var total int64
	for i, l := range c.Lines {
		lines[i] = contract.Line{SKU: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice}
		total += l.Quantity * l.UnitPrice
	}
	domain.Raise(o, contract.OrderPlaced{OrderID: c.OrderID, CustomerID: c.CustomerID, Lines: lines, Currency: c.Currency, Total: total})
	return nil
}
