package orders

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/webos-engine/webos/modules/orders/contract"
	paycontract "github.com/webos-engine/webos/modules/payments/contract"
	whcontract "github.com/webos-engine/webos/modules/warehouse/contract"
	"github.com/webos-engine/webos/sagas"
)

// FulfilmentSaga names the OrderFulfilment process manager.
const FulfilmentSaga = "orders.OrderFulfilment"

// Defaults of the OrderFulfilment process.
const (
	// DefaultPaymentDeadline is how long the payment may stay unanswered
	// before the order is given up.
	DefaultPaymentDeadline = 15 * time.Minute
	// DefaultPaymentCheck is how often an unanswered payment is asked
	// about again.
	DefaultPaymentCheck = 30 * time.Second
)

// Steps and timers of the OrderFulfilment process.
const (
	stepStart     = "start"
	stepReserve   = "reserve-" // + line index
	stepReserved  = "mark-reserved"
	stepAuthorise = "authorise"
	stepCheck     = "check-" // + count
	stepPaid      = "mark-paid"
	stepConfirm   = "confirm"
	stepFailed    = "report-failure"
	stepLateRefnd = "refund-late"
	timerDeadline = "payment-deadline"
	timerCheck    = "payment-check"
)

// Fulfilment is the state of one OrderFulfilment instance.
type Fulfilment struct {
	Order    string          `json:"order"`
	Lines    []contract.Line `json:"lines"`
	Amount   int64           `json:"amount"`
	Currency string          `json:"currency"`
	Payment  string          `json:"payment"`
	// Reserved counts the lines whose stock is held.
	Reserved int `json:"reserved"`
	// Answered is set when the gateway approved or declined; Checks
	// counts the times it was asked again before.
	Answered bool `json:"answered"`
	Checks   int  `json:"checks"`
	// Failure is why the order is given up, once it is.
	Failure string `json:"failure,omitempty"`
	// LateRefund is set when an approval that came after the order was
	// given up was refunded.
	LateRefund bool `json:"lateRefund,omitempty"`
}

// PaymentID is the payment the process asks for the order: one per
// order, so asking again never charges twice.
func PaymentID(orderID string) string { return "pay-" + orderID }

// fulfilment builds the OrderFulfilment process: start → reserve every
// line → mark reserved → authorise the payment → mark paid → confirm.
// Each step that changes something elsewhere declares its undo, and the
// first step's undo cancels the order, so a failure anywhere undoes the
// steps in reverse (refund, release every reservation) and cancels last.
// A customer cancelling after confirmation compensates the completed
// instance the same way: refund, then release.
func fulfilment(deadline, check time.Duration) *sagas.Definition[Fulfilment] {
	d := sagas.Define[Fulfilment](FulfilmentSaga, 1)
	sagas.StartOn(d, func(e contract.OrderPlaced) string { return e.OrderID },
		func(c *sagas.Context[Fulfilment], e contract.OrderPlaced) error {
			*c.State = Fulfilment{Order: e.OrderID, Lines: e.Lines, Amount: e.Total, Currency: e.Currency, Payment: PaymentID(e.OrderID)}
			c.Send(stepStart, contract.StartFulfilment{OrderID: e.OrderID}, sagas.Undo(contract.MarkCancelled{OrderID: e.OrderID}))
			return nil
		})
	d.OnStepDone(func(c *sagas.Context[Fulfilment], r sagas.StepResult) error {
		onStepDone(c, r.Step, deadline, check)
		return nil
	})
	d.OnStepFailed(func(c *sagas.Context[Fulfilment], e sagas.StepError) error {
		giveUp(c, failureOf(c.State, e))
		return nil
	})
	d.OnTimer(func(c *sagas.Context[Fulfilment], timer string) error {
		switch {
		case c.State.Answered:
		case timer == timerDeadline:
			giveUp(c, "the payment was not answered within "+deadline.String())
		case timer == timerCheck:
			c.State.Checks++
			c.Send(stepCheck+strconv.Itoa(c.State.Checks), authorisation(c.State))
		}
		return nil
	})
	sagas.On(d, func(e paycontract.PaymentAuthorised) string { return e.OrderID }, onAuthorised)
	sagas.On(d, func(e paycontract.PaymentDeclined) string { return e.OrderID },
		func(c *sagas.Context[Fulfilment], e paycontract.PaymentDeclined) error {
			if c.Status() == sagas.StatusRunning && !c.State.Answered {
				c.State.Answered = true
				giveUp(c, "the payment was declined: "+e.Reason)
			}
			return nil
		})
	sagas.On(d, func(e contract.OrderCancelled) string { return e.OrderID },
		func(c *sagas.Context[Fulfilment], e contract.OrderCancelled) error {
			if e.By == contract.ByCustomer {
				c.Compensate("cancelled by the customer: " + e.Reason)
			}
			return nil
		})
	return d
}

// onStepDone moves the order on after each of its steps.
func onStepDone(c *sagas.Context[Fulfilment], step string, deadline, check time.Duration) {
	s := c.State
	switch {
	case step == stepStart:
		for i, l := range s.Lines {
			c.Send(stepReserve+strconv.Itoa(i), whcontract.ReserveStock{SKU: l.SKU, Quantity: l.Quantity, OrderID: s.Order},
				sagas.Undo(whcontract.ReleaseReservation{SKU: l.SKU, OrderID: s.Order}))
		}
	case strings.HasPrefix(step, stepReserve):
		s.Reserved++
		if s.Reserved == len(s.Lines) {
			c.Send(stepReserved, contract.MarkStockReserved{OrderID: s.Order})
		}
	case step == stepReserved:
		c.Send(stepAuthorise, authorisation(s),
			sagas.Undo(paycontract.RefundPayment{PaymentID: s.Payment, Reason: "order " + s.Order + " was not fulfilled"}))
		c.Schedule(timerDeadline, deadline)
	case step == stepAuthorise || strings.HasPrefix(step, stepCheck):
		// The answer comes as an event; until it does, ask again.
		if !s.Answered {
			c.Schedule(timerCheck, check)
		}
	case step == stepPaid:
		c.Send(stepConfirm, contract.ConfirmOrder{OrderID: s.Order})
	case step == stepConfirm:
		c.Complete()
	}
}

// onAuthorised marks the order paid; an approval that comes after the
// order was given up is refunded.
func onAuthorised(c *sagas.Context[Fulfilment], e paycontract.PaymentAuthorised) error {
	s := c.State
	switch {
	case c.Status() == sagas.StatusRunning && s.Failure == "" && !s.Answered:
		s.Answered = true
		c.Cancel(timerDeadline)
		c.Cancel(timerCheck)
		c.Send(stepPaid, contract.MarkPaymentAuthorised{OrderID: s.Order, PaymentID: e.PaymentID})
	case c.Status() == sagas.StatusCompensated && !s.LateRefund:
		// Compensation refunded (or voided) the payment already; should an
		// approval still be recorded after it, give it back too.
		s.LateRefund = true
		c.Send(stepLateRefnd, paycontract.RefundPayment{PaymentID: e.PaymentID, Reason: "approved after order " + s.Order + " was cancelled"})
	}
	return nil
}

// giveUp records why the order cannot be fulfilled and undoes what was
// done; the undo of the first step then cancels the order.
func giveUp(c *sagas.Context[Fulfilment], reason string) {
	if c.State.Failure != "" {
		return
	}
	c.State.Failure = reason
	c.Send(stepFailed, contract.ReportFulfilmentFailure{OrderID: c.State.Order, Reason: reason})
	c.Compensate(reason)
}

// failureOf says why a refused step ends the order.
func failureOf(s *Fulfilment, e sagas.StepError) string {
	if i, ok := strings.CutPrefix(e.Step, stepReserve); ok {
		if n, err := strconv.Atoi(i); err == nil && n < len(s.Lines) {
			return fmt.Sprintf("line %d (%s) could not be reserved: %s", n, s.Lines[n].SKU, e.Message)
		}
	}
	return "step " + e.Step + " was refused: " + e.Message
}

func authorisation(s *Fulfilment) paycontract.AuthorisePayment {
	return paycontract.AuthorisePayment{PaymentID: s.Payment, OrderID: s.Order, Amount: s.Amount, Currency: s.Currency}
}
