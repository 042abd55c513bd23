package orders

import (
	"context"
	"fmt"
	"strconv"

	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/domain/money"
	"github.com/webos-engine/webos/modules/orders/contract"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
)

// checkOrder refuses a PlaceOrder its schema lets through but the business
// does not: an unknown currency, a line in another currency than the
// order's, a SKU twice, a SKU the Warehouse does not know or has
// discontinued, a total of 0. Every fault is reported at once, each with its JSON
// pointer, before anything is recorded.
func checkOrder(ctx context.Context, stock whcontract.StockLevels, c contract.PlaceOrder) error {
	var faults []domain.FieldError
	currencyKnown := money.Known(c.Currency)
	if !currencyKnown {
		faults = append(faults, domain.FieldError{Pointer: "/currency", Detail: "is not an ISO 4217 currency code"})
	}
	first := map[string]int{} // SKU -> index of the first line naming it
	for i, l := range c.Lines {
		at := "/lines/" + strconv.Itoa(i)
		if l.Currency != "" && l.Currency != c.Currency && currencyKnown {
			faults = append(faults, domain.FieldError{Pointer: at + "/currency",
				Detail: fmt.Sprintf("is %s but the order is in %s; a line's price is in the order's currency", l.Currency, c.Currency)})
		}
		if j, dup := first[l.SKU]; dup {
			faults = append(faults, domain.FieldError{Pointer: at + "/sku",
				Detail: fmt.Sprintf("repeats line %d; put the whole quantity of a SKU on one line", j)})
			continue
		}
		first[l.SKU] = i
		detail, err := skuFault(ctx, stock, l.SKU)
		if err != nil {
			return err
		}
		if detail != "" {
			faults = append(faults, domain.FieldError{Pointer: at + "/sku", Detail: detail})
		}
	}
	var total int64
	for _, l := range c.Lines {
		total += l.Quantity * l.UnitPrice
	}
	if total == 0 {
		faults = append(faults, domain.FieldError{Pointer: "/lines", Detail: "the order's total is 0; an order is paid for"})
	}
	if faults != nil {
		return domain.Invalid("the order cannot be placed as sent", faults...)
	}
	return nil
}

// skuFault asks the Warehouse about sku: "" when it can be ordered, else
// why not. Any failure other than an unknown SKU is the caller's error.
func skuFault(ctx context.Context, stock whcontract.StockLevels, sku string) (string, error) {
	level, err := stock.Level(ctx, sku)
	switch {
	case domain.KindOf(err) == domain.KindNotFound:
		return "is not a SKU the warehouse knows", nil
	case err != nil:
		return "", fmt.Errorf("check sku %s: %w", sku, err)
	case level.Discontinued:
		return "is discontinued", nil
	}
	return "", nil
}
