// Package shipping is a fourth module: it may import the payments
// contract only.
package shipping

import (
	"github.com/webos-engine/webos/modules/payments" // want `not allowed from list 'payments-contract'`
	"github.com/webos-engine/webos/modules/payments/contract"
)

var _ = payments.Gateway{}
var _ = contract.Authorised{}
