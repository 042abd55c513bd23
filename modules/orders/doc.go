// Package orders is the Orders module: customers' orders and their
// lifecycle, placed → stock reserved → payment authorised → confirmed, or
// cancelled with a reason. It registers the Order aggregate's commands and
// events, the orders.list and orders.detail views, and the
// OrderFulfilment process manager. Placing an order asks the Warehouse,
// through its contract only, whether every SKU exists.
//
// # OrderFulfilment
//
// Started by OrderPlaced, one instance per order (fulfilment.go):
//
//	start → reserve every line (in parallel) → mark reserved →
//	authorise the payment → (PaymentAuthorised) mark paid → confirm
//
// Every step that changes another module declares its undo (release the
// line's reservation, refund the payment), and the first step's undo is
// MarkCancelled, so when the order is given up the runtime undoes the
// steps in the reverse order they succeeded and cancels the order last:
//
//   - a declined payment, or a line that cannot be reserved: the failure
//     is reported on the order, the payment refunded (a declined or pending
//     one changes nothing or is voided), every reservation released, then
//     the order cancelled with the failure as its reason;
//   - no answer from the payment gateway: the payment stays pending and is
//     asked about again every PaymentCheck (30s); at PaymentDeadline (15
//     minutes) the order is given up as above; an approval recorded after
//     the order was cancelled is refunded;
//   - the customer cancels (CancelOrder), even after confirmation: refund,
//     then release every reservation.
package orders
