// Package payments is a third module: it may import the orders contract
// only.
package payments

import (
	"github.com/webos-engine/webos/modules/orders" // want `not allowed from list 'orders-contract'`
	"github.com/webos-engine/webos/modules/orders/contract"
)

// Gateway is internal.
type Gateway struct{}

var _ = orders.Order{}
var _ = contract.Placed{}
