package warehouse

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// valuationsCollection backs the view warehouse.valuations: one document
// per stock valuation report, with its lines.
var valuationsCollection = application.CollectionSpec{
	Name: "warehouse_valuations",
	Fields: []application.FieldSpec{
		{Name: "report", Type: application.String}, {Name: "complete", Type: application.Bool},
		{Name: "items", Type: application.Number}, {Name: "startedAt", Type: application.String},
		{Name: "updatedAt", Type: application.String},
	},
	Indexes: [][]string{{"updatedAt"}, {"report"}},
}

// ValuationDoc is a document of warehouse.valuations: a report as far as
// it is counted (Complete once every item is).
type ValuationDoc struct {
	Report    string           `json:"report"`
	Complete  bool             `json:"complete"`
	Items     int              `json:"items"`
	Unvalued  int              `json:"unvalued"`
	Totals    []ValuationTotal `json:"totals"`
	Lines     []ValuationLine  `json:"lines"`
	StartedAt string           `json:"startedAt"`
	UpdatedAt string           `json:"updatedAt"`
	Position  uint64           `json:"position"`
}

func valuationsProjection() *application.Projection {
	p := application.NewProjection("warehouse.valuations", valuationsCollection)
	onValuation(p, func(d *ValuationDoc, e ValuationPageCounted) {
		d.Lines = append(d.Lines, e.Lines...)
		d.Items = len(d.Lines)
	})
	onValuation(p, func(d *ValuationDoc, e ValuationCompleted) {
		d.Complete, d.Items, d.Unvalued, d.Totals = true, e.Items, e.Unvalued, e.Totals
	})
	return p
}

// onValuation handles E on the report's document, once per event.
func onValuation[E interface {
	domain.Event
	report() string
}](p *application.Projection, change func(*ValuationDoc, E)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		d, err := application.LoadDoc[ValuationDoc](ctx, tx, valuationsCollection.Name, env.StreamID)
		if err != nil || env.Position <= d.Position {
			return err
		}
		at := env.RecordedAt.UTC().Format("2006-01-02T15:04:05.000000Z")
		if d.StartedAt == "" {
			d.StartedAt, d.Totals, d.Lines = at, []ValuationTotal{}, []ValuationLine{}
		}
		d.Report, d.UpdatedAt, d.Position = e.report(), at, env.Position
		change(&d, e)
		return tx.Upsert(ctx, valuationsCollection.Name, env.StreamID, d)
	})
}

func (e ValuationPageCounted) report() string { return e.Report }
func (e ValuationCompleted) report() string   { return e.Report }
