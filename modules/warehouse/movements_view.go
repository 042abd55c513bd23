package warehouse

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// movementsCollection backs the warehouse.movements view: one document per
// stock change, keyed by the event id.
var movementsCollection = application.CollectionSpec{
	Name: "warehouse_movements",
	Fields: []application.FieldSpec{
		{Name: "sku", Type: application.String}, {Name: "kind", Type: application.String},
		{Name: "actor", Type: application.String}, {Name: "reference", Type: application.String},
		{Name: "at", Type: application.String}, {Name: "position", Type: application.Number},
		{Name: "onHandDelta", Type: application.Number}, {Name: "reservedDelta", Type: application.Number},
	},
	Indexes: [][]string{{"position"}, {"sku", "position"}, {"at"}},
}

// Movement is a document of the warehouse.movements view.
type Movement struct {
	ID            string `json:"id"`
	SKU           string `json:"sku"`
	Kind          string `json:"kind"`
	OnHandDelta   int64  `json:"onHandDelta"`
	ReservedDelta int64  `json:"reservedDelta"`
	// Reference is the delivery reference, adjustment reason or order id.
	Reference string `json:"reference"`
	Actor     string `json:"actor"`
	At        string `json:"at"`
	Position  uint64 `json:"position"`
}

// sortableTime has a fixed width, so times sort correctly as strings.
const sortableTime = "2006-01-02T15:04:05.000000000Z"

func movementsProjection() *application.Projection {
	p := application.NewProjection("warehouse.movements", movementsCollection)
	onMovement(p, func(e contract.StockReceived) Movement {
		kind := "received"
		if e.Source == contract.SourceReturn {
			kind = "returned"
		}
		return Movement{Kind: kind, OnHandDelta: e.Quantity, Reference: e.Reference}
	})
	onMovement(p, func(e contract.StockAdjusted) Movement {
		return Movement{Kind: "adjusted", OnHandDelta: e.Delta, Reference: e.Reason}
	})
	onMovement(p, func(e contract.StockReserved) Movement {
		return Movement{Kind: "reserved", ReservedDelta: e.Quantity, Reference: e.OrderID}
	})
	onMovement(p, func(e contract.ReservationReleased) Movement {
		return Movement{Kind: "released", ReservedDelta: -e.Quantity, Reference: e.OrderID}
	})
	return p
}

// onMovement records one movement per event of type E, keyed by event id
// so that applying an event twice leaves one row.
func onMovement[E interface {
	domain.Event
	ItemSKU() string
}](p *application.Projection, describe func(E) Movement) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		m := describe(e)
		m.ID, m.SKU, m.Actor, m.Position = env.ID, e.ItemSKU(), env.Actor, env.Position
		m.At = env.RecordedAt.UTC().Format(sortableTime)
		return tx.Upsert(ctx, movementsCollection.Name, m.ID, m)
	})
}
