package payments

import (
	"context"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/payments/contract"
)

// listCollection backs the payments.list view: one row per payment.
var listCollection = application.CollectionSpec{
	Name: "payments_list",
	Fields: []application.FieldSpec{
		{Name: "paymentId", Type: application.String}, {Name: "orderId", Type: application.String},
		{Name: "state", Type: application.String}, {Name: "currency", Type: application.String},
		{Name: "amount", Type: application.Number}, {Name: "refunded", Type: application.Number},
		{Name: "requestedAt", Type: application.String}, {Name: "updatedAt", Type: application.String},
	},
	Indexes: [][]string{{"requestedAt"}, {"orderId"}, {"state", "requestedAt"}},
}

// Row is a document of the payments.list view. Amounts are in minor
// units of Currency.
type Row struct {
	PaymentID     string `json:"paymentId"`
	OrderID       string `json:"orderId"`
	State         string `json:"state"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	Authorisation string `json:"authorisation,omitempty"`
	Captured      int64  `json:"captured"`
	Refunded      int64  `json:"refunded"`
	// Reason is why it was declined or refunded.
	Reason      string `json:"reason,omitempty"`
	RequestedAt string `json:"requestedAt"`
	UpdatedAt   string `json:"updatedAt"`
	// Version is the payment's stream version; Position the global
	// position of the last event applied, so none is applied twice.
	Version  uint64 `json:"version"`
	Position uint64 `json:"position"`
}

// sortableTime has a fixed width, so times sort correctly as strings.
const sortableTime = "2006-01-02T15:04:05.000000000Z"

func paymentsProjection() *application.Projection {
	p := application.NewProjection("payments.list", listCollection)
	onPayment(p, func(r *Row, e contract.PaymentRequested) {
		*r = Row{PaymentID: e.PaymentID, OrderID: e.OrderID, State: contract.StatePending, Amount: e.Amount, Currency: e.Currency}
	})
	onPayment(p, func(r *Row, e contract.PaymentAuthorised) {
		r.State, r.Authorisation = contract.StateAuthorised, e.Authorisation
	})
	onPayment(p, func(r *Row, e contract.PaymentDeclined) { r.State, r.Reason = contract.StateDeclined, e.Reason })
	onPayment(p, func(r *Row, e contract.PaymentCaptured) { r.State, r.Captured = contract.StateCaptured, e.Amount })
	onPayment(p, func(r *Row, e contract.PaymentRefunded) {
		r.State, r.Refunded, r.Reason = contract.StateRefunded, e.Amount, e.Reason
	})
	return p
}

// onPayment handles E by loading the payment's row (empty before
// PaymentRequested), changing it and storing it. An event at or before
// the row's position was applied already and changes nothing.
func onPayment[E interface {
	domain.Event
	Payment() string
}](p *application.Projection, change func(*Row, E)) {
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, env domain.Envelope, e E) error {
		r, err := application.LoadDoc[Row](ctx, tx, listCollection.Name, e.Payment())
		if err != nil {
			return err
		}
		if r.Position > 0 && env.Position <= r.Position {
			return nil
		}
		change(&r, e)
		r.UpdatedAt, r.Version, r.Position = env.RecordedAt.UTC().Format(sortableTime), env.StreamVersion, env.Position
		if r.RequestedAt == "" {
			r.RequestedAt = r.UpdatedAt
		}
		return tx.Upsert(ctx, listCollection.Name, r.PaymentID, r)
	})
}
