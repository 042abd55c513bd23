package payments

import (
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/payments/contract"
)

// Payment is the aggregate for one payment: what was asked, and what the
// gateway answered and did.
type Payment struct {
	domain.Base
	id        string
	orderID   string
	amount    int64
	currency  string
	state     string
	authID    string
	refunded  int64
	reason    string
	requested contract.PaymentRequested
}

// StreamID is the event stream of the payment with the given id.
func StreamID(paymentID string) string { return "payments.payment-" + paymentID }

// NewPayment returns the not-yet-loaded aggregate for paymentID.
func NewPayment(paymentID string) *Payment {
	return &Payment{Base: domain.NewBase(StreamID(paymentID)), id: paymentID}
}

// State is where the payment is (contract.State*), "" before it exists.
func (p *Payment) State() string { return p.state }

// Apply mutates state for one event.
func (p *Payment) Apply(e domain.Event) {
	switch e := e.(type) {
	case contract.PaymentRequested:
		p.requested, p.orderID, p.amount, p.currency, p.state = e, e.OrderID, e.Amount, e.Currency, contract.StatePending
	case contract.PaymentAuthorised:
		p.state, p.authID = contract.StateAuthorised, e.Authorisation
	case contract.PaymentDeclined:
		p.state, p.reason = contract.StateDeclined, e.Reason
	case contract.PaymentCaptured:
		p.state = contract.StateCaptured
	case contract.PaymentRefunded:
		p.state, p.refunded, p.reason = contract.StateRefunded, e.Amount, e.Reason
	}
}

// Request records the payment, once: asking again for the same payment
// changes nothing, asking with other details is a conflict.
func (p *Payment) Request(c contract.AuthorisePayment) error {
	want := contract.PaymentRequested(c)
	switch {
	case !p.Root().Exists():
		domain.Raise(p, want)
		return nil
	case p.requested != want:
		return domain.Errorf(domain.KindConflict, "payment_exists",
			"payment %s is for order %s, %d %s; it cannot change", p.id, p.orderID, p.amount, p.currency)
	}
	return nil
}

// settle records the gateway's answer to a pending payment; a payment no
// longer pending keeps the answer it has.
func (p *Payment) settle(a Authorisation) {
	switch {
	case p.state != contract.StatePending:
	case a.Approved:
		domain.Raise(p, contract.PaymentAuthorised{PaymentID: p.id, OrderID: p.orderID, Amount: p.amount, Currency: p.currency, Authorisation: a.ID})
	default:
		domain.Raise(p, contract.PaymentDeclined{PaymentID: p.id, OrderID: p.orderID, Reason: a.DeclineReason})
	}
}

// needsCapture reports whether Capture must ask the gateway: only an
// authorised payment can be captured; a captured one is done.
func (p *Payment) needsCapture() (bool, error) {
	switch p.state {
	case contract.StateAuthorised:
		return true, nil
	case contract.StateCaptured:
		return false, nil
	}
	return false, domain.Errorf(domain.KindConflict, "payment_not_authorised",
		"payment %s is %s; only an authorised payment can be captured", p.id, p.state)
}

// captured records the capture the gateway made.
func (p *Payment) captured() {
	if p.state == contract.StateAuthorised {
		domain.Raise(p, contract.PaymentCaptured{PaymentID: p.id, OrderID: p.orderID, Amount: p.amount})
	}
}

// needsRefund reports whether Refund must ask the gateway: a declined or
// refunded payment holds nothing.
func (p *Payment) needsRefund() bool {
	return p.state != contract.StateDeclined && p.state != contract.StateRefunded
}

// refundedBy records the refund the gateway made.
func (p *Payment) refundedBy(r Refund, reason string) {
	if p.needsRefund() {
		domain.Raise(p, contract.PaymentRefunded{PaymentID: p.id, OrderID: p.orderID, Amount: r.Refunded, Reason: reason})
	}
}
