// Package warehouse stands in for a module's internals; it may use its
// own contract.
package warehouse

import "github.com/webos-engine/webos/modules/warehouse/contract"

// Item is internal.
type Item struct{ last contract.Stock }
