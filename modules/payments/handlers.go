package payments

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/payments/contract"
)

// handlers run the payment commands. The gateway is called outside the
// aggregate's decision, and the decision records only what the gateway
// answered, so deciding again (a resent command is checked that way) never
// calls the gateway. Every call names the payment by its id, the
// gateway's idempotency key, so calling again after a lost answer or a
// crash acts once.
type handlers struct {
	repo    *application.Repository
	gw      PaymentGateway
	timeout time.Duration
	create  application.CommandHandler[contract.AuthorisePayment]
	again   application.CommandHandler[contract.AuthorisePayment]
	change  application.CommandHandler[change]
}

// change is one decision on a payment, made after the gateway answered.
type change struct {
	id     string
	decide func(*Payment) error
}

func newHandlers(repo *application.Repository, gw PaymentGateway, timeout time.Duration) *handlers {
	request := func(_ context.Context, p *Payment, c contract.AuthorisePayment) error { return p.Request(c) }
	named := func(c contract.AuthorisePayment) *Payment { return NewPayment(c.PaymentID) }
	return &handlers{
		repo: repo, gw: gw, timeout: timeout,
		create: application.AggregateHandler(repo, application.MustBeNew, named, request),
		again:  application.AggregateHandler(repo, application.MustExist, named, request),
		change: application.AggregateHandler(repo, application.MustExist,
			func(c change) *Payment { return NewPayment(c.id) },
			func(_ context.Context, p *Payment, c change) error { return c.decide(p) }),
	}
}

// authorise records the payment, then asks the gateway while it is
// pending. No answer in time leaves it pending: the command succeeds and
// sending it again asks again.
func (h *handlers) authorise(ctx context.Context, c contract.AuthorisePayment) (application.Result, error) {
	res, err := h.create(ctx, c)
	if de := (*domain.Error)(nil); errors.As(err, &de) && de.Code == "already_exists" {
		res, err = h.again(ctx, c)
	}
	if err != nil {
		return res, err
	}
	p, err := h.load(ctx, c.PaymentID)
	if err != nil || p.state != contract.StatePending {
		return res, err
	}
	call, cancel := context.WithTimeout(ctx, h.timeout)
	a, err := h.gw.Authorise(call, AuthoriseRequest{Key: c.PaymentID, Reference: c.OrderID, Amount: c.Amount, Currency: c.Currency})
	cancel()
	switch {
	case errors.Is(err, ErrUnavailable):
		return res, nil // pending: the answer is asked for again
	case errors.Is(err, ErrKeyReused):
		return res, domain.Errorf(domain.KindConflict, "payment_exists",
			"the payment gateway knows payment %s with other details", c.PaymentID)
	case err != nil:
		return res, fmt.Errorf("authorise payment %s: %w", c.PaymentID, err)
	}
	settled, err := h.change(withoutCommandID(ctx), change{id: c.PaymentID, decide: func(p *Payment) error { p.settle(a); return nil }})
	return merge(res, settled), err
}

// capture takes an authorised payment's amount.
func (h *handlers) capture(ctx context.Context, c contract.CapturePayment) (application.Result, error) {
	p, err := h.load(ctx, c.PaymentID)
	if err != nil {
		return application.Result{}, err
	}
	need, err := p.needsCapture()
	if err != nil {
		return application.Result{}, err
	}
	if need {
		call, cancel := context.WithTimeout(ctx, h.timeout)
		err := h.gw.Capture(call, c.PaymentID)
		cancel()
		if errors.Is(err, ErrNotAuthorised) {
			return application.Result{}, domain.Errorf(domain.KindConflict, "payment_not_authorised",
				"the payment gateway holds nothing for payment %s", c.PaymentID)
		}
		if err != nil {
			return application.Result{}, fmt.Errorf("capture payment %s: %w", c.PaymentID, err)
		}
	}
	return h.change(ctx, change{id: c.PaymentID, decide: func(p *Payment) error {
		if _, err := p.needsCapture(); err != nil {
			return err
		}
		p.captured()
		return nil
	}})
}

// refund gives back what the payment holds. The gateway is asked even
// for a refunded payment (it answers the same amount), so that a resent
// command decides the same.
func (h *handlers) refund(ctx context.Context, c contract.RefundPayment) (application.Result, error) {
	p, err := h.load(ctx, c.PaymentID)
	if err != nil {
		return application.Result{}, err
	}
	var r Refund
	if p.state != contract.StateDeclined {
		call, cancel := context.WithTimeout(ctx, h.timeout)
		r, err = h.gw.Refund(call, c.PaymentID)
		cancel()
		if err != nil {
			return application.Result{}, fmt.Errorf("refund payment %s: %w", c.PaymentID, err)
		}
	}
	return h.change(ctx, change{id: c.PaymentID, decide: func(p *Payment) error { p.refundedBy(r, c.Reason); return nil }})
}

// load reads the payment; one that does not exist is not found.
func (h *handlers) load(ctx context.Context, id string) (*Payment, error) {
	p := NewPayment(id)
	if err := h.repo.Load(ctx, p); err != nil {
		return nil, err
	}
	if !p.Root().Exists() {
		return nil, domain.Errorf(domain.KindNotFound, "not_found", "payment %s does not exist", id)
	}
	return p, nil
}

// withoutCommandID is ctx for recording a gateway's answer: the answer is
// recorded once by the payment's state, not by the command's id, so a
// command resent after it was recorded pending may still record it.
func withoutCommandID(ctx context.Context) context.Context {
	m := application.MetaFrom(ctx)
	m.CommandID, m.ExpectedVersion = "", nil
	return application.WithMeta(ctx, m)
}

// merge is the result of a command that appended in two steps.
func merge(first, second application.Result) application.Result {
	if len(second.Events) == 0 {
		return first
	}
	second.Events = append(append([]string{}, first.Events...), second.Events...)
	return second
}
