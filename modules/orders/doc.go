// Package orders is the Orders module: customers' orders and their
// lifecycle, placed → stock reserved → payment authorised → confirmed, or
// cancelled with a reason. It registers the Order aggregate's commands and
// events and the orders.list and orders.detail views. Placing an order
// asks the Warehouse, through its contract only, whether every SKU exists.
package orders
