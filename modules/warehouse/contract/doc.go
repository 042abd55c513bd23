// Package contract is what other modules may use of the Warehouse module:
// its commands (sent with application.Send), its events (to react to), and
// the StockLevels service (looked up with application.Lookup). Nothing else
// of modules/warehouse is public to other modules; the architecture test
// and depguard enforce that.
package contract
