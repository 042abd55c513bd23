package orders

import (
	"context"
	"fmt"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/orders/contract"
	"github.com/webos-engine/webos/sagas"
)

// sortableTime has a fixed width, so times sort correctly as strings.
const sortableTime = "2006-01-02T15:04:05.000000000Z"

// sourceOrder tags the timeline entries of the order's own events.
const sourceOrder = "order"

// ordersProjection keeps both views: the detail document is the whole
// truth about an order, its list row a summary of it.
func ordersProjection() *application.Projection {
	p := application.NewProjection("orders.orders", listCollection, detailCollection)
	onOrder(p, func(d *Detail, e contract.OrderPlaced) (state, step, words string) {
		d.ListRow = ListRow{OrderID: e.OrderID, CustomerID: e.CustomerID, Currency: e.Currency, Total: e.Total, LineCount: len(e.Lines)}
		d.Fulfilment = sagas.InstanceID(FulfilmentSaga, e.OrderID)
		d.Lines = make([]DetailLine, len(e.Lines))
		for i, l := range e.Lines {
			d.Lines[i] = DetailLine{SKU: l.SKU, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Total: l.Quantity * l.UnitPrice}
		}
		return contract.StatePlaced, contract.StatePlaced, fmt.Sprintf("%d lines, %d %s in minor units, for customer %s", len(e.Lines), e.Total, e.Currency, e.CustomerID)
	})
	onOrder(p, func(d *Detail, _ contract.OrderFulfilmentStarted) (state, step, words string) {
		return d.State, "fulfilmentStarted", "fulfilment started"
	})
	onOrder(p, func(d *Detail, e contract.OrderFulfilmentFailed) (state, step, words string) {
		return d.State, "fulfilmentFailed", "fulfilment failed: " + e.Reason + "; undoing what was done"
	})
	onOrder(p, func(d *Detail, _ contract.OrderStockReserved) (state, step, words string) {
		return contract.StateStockReserved, contract.StateStockReserved, "stock reserved for every line"
	})
	onOrder(p, func(d *Detail, e contract.OrderPaymentAuthorised) (state, step, words string) {
		d.PaymentID = e.PaymentID
		return contract.StatePaymentAuthorised, contract.StatePaymentAuthorised, "payment " + e.PaymentID + " authorised"
	})
	onOrder(p, func(_ *Detail, _ contract.OrderConfirmed) (state, step, words string) {
		return contract.StateConfirmed, contract.StateConfirmed, "confirmed"
	})
	onOrder(p, func(d *Detail, e contract.OrderCancelled) (state, step, words string) {
		d.Reason, d.CancelledBy = e.Reason, e.By
		return contract.StateCancelled, contract.StateCancelled, "cancelled by " + e.By + " when " + e.Was + ": " + e.Reason
	})
	return p
}

// onOrder handles E by loading the order's detail (empty before
// OrderPlaced), letting change update it and name the new state and the
// timeline entry's step and words, and storing both documents. An event at or before the
// detail's position was applied already and changes nothing.
func onOrder[E interface {
	domain.Event
	Order() string
}](p *application.Projection, change func(*Detail, E) (state, step, words string)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		d, err := application.LoadDoc[Detail](ctx, tx, detailCollection.Name, e.Order())
		if err != nil {
			return err
		}
		if d.Position > 0 && env.Position <= d.Position {
			return nil
		}
		state, step, words := change(&d, e)
		return record(ctx, tx, env, &d, state, step, words)
	})
}

// record moves d to state, adds the timeline entry and stores the detail
// and its list row.
func record(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, d *Detail, state, step, words string) error {
	d.State, d.UpdatedAt, d.Version, d.Position = state, at(env), env.StreamVersion, env.Position
	if d.PlacedAt == "" {
		d.PlacedAt = d.UpdatedAt
	}
	d.Timeline = append(d.Timeline, TimelineEntry{At: d.UpdatedAt, Position: env.Position, Source: sourceOrder, Step: step, Detail: words, Actor: env.Actor})
	if err := tx.Upsert(ctx, detailCollection.Name, d.OrderID, d); err != nil {
		return err
	}
	return tx.Upsert(ctx, listCollection.Name, d.OrderID, d.ListRow)
}

func at(env domain.Envelope) string { return env.RecordedAt.UTC().Format(sortableTime) }
