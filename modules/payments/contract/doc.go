// Package contract is what other modules may use of the Payments module:
// its commands (sent with application.Send) and its events (to react
// to). Nothing else of modules/payments is public to other modules; the
// architecture test and depguard enforce that.
//
// Amounts are in integer minor units of the payment's currency.
package contract
