// Package orders is another module: it may import the warehouse contract
// only.
package orders

import (
	"github.com/webos-engine/webos/modules/warehouse" // want `not allowed from list 'warehouse-contract'`
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

var _ = warehouse.Item{}
var _ = contract.Stock{}
