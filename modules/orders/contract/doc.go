// Package contract is what other modules may use of the Orders module: its
// commands (sent with application.Send) and its events (to react to).
// Nothing else of modules/orders is public to other modules; the
// architecture test and depguard enforce that.
//
// Money is in integer minor units of the order's currency (cents for EUR),
// so totals are exact.
package contract
