// Package warehouse is the Warehouse module: items keyed by SKU with stock
// on hand and reservations per order. It registers the Item aggregate's
// commands and events, the warehouse.stock and warehouse.movements views
// and the projections that feed them.
package warehouse
