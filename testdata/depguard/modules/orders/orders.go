// Package orders is another module: it may import the warehouse contract
// only, and its own.
package orders

import (
	own "github.com/webos-engine/webos/modules/orders/contract"
	"github.com/webos-engine/webos/modules/warehouse" // want `not allowed from list 'warehouse-contract'`
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// Order is internal.
type Order struct{ last own.Placed }

var _ = warehouse.Item{}
var _ = contract.Stock{}
