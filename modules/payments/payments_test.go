package payments_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/modules/payments"
	"github.com/webos-engine/webos/modules/payments/contract"
	"github.com/webos-engine/webos/modules/payments/simulated"
)

func newEngine(t *testing.T, b simulated.Behaviour) (*testkit.Engine, *simulated.Gateway) {
	t.Helper()
	g := simulated.New(b)
	return testkit.NewEngine(t, payments.Module{Gateway: g, AnswerTimeout: 50 * time.Millisecond}), g
}

var authorise = contract.AuthorisePayment{PaymentID: "P1", OrderID: "O1", Amount: 1250, Currency: "EUR"}

func send[C any](t *testing.T, e *testkit.Engine, cmd C, opts ...application.SendOption) error {
	t.Helper()
	_, err := application.Send(context.Background(), e.App, cmd, opts...)
	return err
}

// row reads the payment's row of payments.list.
func row(t *testing.T, e *testkit.Engine, id string) payments.Row {
	t.Helper()
	page := e.Query(t, "payments.list", application.Query{Filters: []application.Filter{{Field: "paymentId", Op: application.Eq, Value: id}}})
	if len(page.Items) != 1 {
		t.Fatalf("payments.list for %s: %s", id, page.Items)
	}
	var r payments.Row
	if err := json.Unmarshal(page.Items[0], &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestApproveCaptureRefund(t *testing.T) {
	t.Parallel()
	e, g := newEngine(t, simulated.Behaviour{})
	for range 2 { // asking again changes nothing
		if err := send(t, e, authorise); err != nil {
			t.Fatal(err)
		}
	}
	if r := row(t, e, "P1"); r.State != contract.StateAuthorised || r.Authorisation == "" || r.Amount != 1250 {
		t.Fatalf("after authorising: %+v", r)
	}
	for range 2 {
		if err := send(t, e, contract.CapturePayment{PaymentID: "P1"}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := send(t, e, contract.RefundPayment{PaymentID: "P1", Reason: "order cancelled"}); err != nil {
			t.Fatal(err)
		}
	}
	r := row(t, e, "P1")
	if r.State != contract.StateRefunded || r.Captured != 1250 || r.Refunded != 1250 || r.Version != 4 {
		t.Fatalf("after capture and refund: %+v", r)
	}
	if len(g.Ledger()) != 1 || g.Outstanding("O1") != 0 || g.DoubleCharges() != nil {
		t.Fatalf("ledger: %+v", g.Ledger())
	}
}

func TestDeclined(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t, simulated.Behaviour{Outcome: simulated.Decline, DeclineReason: "insufficient funds"})
	if err := send(t, e, authorise); err != nil {
		t.Fatal(err)
	}
	if r := row(t, e, "P1"); r.State != contract.StateDeclined || r.Reason != "insufficient funds" {
		t.Fatalf("declined: %+v", r)
	}
	err := send(t, e, contract.CapturePayment{PaymentID: "P1"})
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != "payment_not_authorised" {
		t.Fatalf("capturing a declined payment: %v", err)
	}
	// Refunding a declined payment is a no-op, so a compensation may.
	if err := send(t, e, contract.RefundPayment{PaymentID: "P1", Reason: "x"}); err != nil {
		t.Fatal(err)
	}
}

// TestNoAnswerLeavesThePaymentPending: the gateway holds the money but
// its answer is lost; the command succeeds with the payment pending, and
// asking again records the late approval, charging once.
func TestNoAnswerLeavesThePaymentPending(t *testing.T) {
	t.Parallel()
	e, g := newEngine(t, simulated.Behaviour{Outcome: simulated.TimeOut})
	if err := send(t, e, authorise, application.WithCommandID("step-1")); err != nil {
		t.Fatal(err)
	}
	if r := row(t, e, "P1"); r.State != contract.StatePending {
		t.Fatalf("no answer: %+v", r)
	}
	// The same command again (a redelivery) asks again; still no answer.
	if err := send(t, e, authorise, application.WithCommandID("step-1")); err != nil {
		t.Fatal(err)
	}
	if r := row(t, e, "P1"); r.State != contract.StatePending {
		t.Fatalf("still no answer: %+v", r)
	}
	// Once the gateway answers, asking again records the late approval.
	g.Set(simulated.Behaviour{})
	if err := send(t, e, authorise, application.WithCommandID("step-1")); err != nil {
		t.Fatal(err)
	}
	if r := row(t, e, "P1"); r.State != contract.StateAuthorised {
		t.Fatalf("late approval: %+v", r)
	}
	if len(g.Ledger()) != 1 || g.DoubleCharges() != nil {
		t.Fatalf("ledger: %+v", g.Ledger())
	}
}

// TestRefundingAPendingPaymentVoidsIt: the late answer can no longer
// charge.
func TestRefundingAPendingPaymentVoidsIt(t *testing.T) {
	t.Parallel()
	e, g := newEngine(t, simulated.Behaviour{FailTimes: 1})
	if err := send(t, e, authorise); err != nil {
		t.Fatal(err)
	}
	if err := send(t, e, contract.RefundPayment{PaymentID: "P1", Reason: "no answer in time"}); err == nil {
		t.Fatal("the refund's first call failed; the command must fail, for a retry")
	}
	if err := send(t, e, contract.RefundPayment{PaymentID: "P1", Reason: "no answer in time"}); err != nil {
		t.Fatal(err)
	}
	if err := send(t, e, authorise); err != nil {
		t.Fatal(err)
	}
	if r := row(t, e, "P1"); r.State != contract.StateRefunded || r.Refunded != 0 {
		t.Fatalf("voided: %+v", r)
	}
	if g.Outstanding("O1") != 0 {
		t.Fatalf("ledger: %+v", g.Ledger())
	}
}

func TestAPaymentCannotChange(t *testing.T) {
	t.Parallel()
	e, _ := newEngine(t, simulated.Behaviour{})
	if err := send(t, e, authorise); err != nil {
		t.Fatal(err)
	}
	other := authorise
	other.Amount = 1
	err := send(t, e, other)
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != "payment_exists" {
		t.Fatalf("another amount: %v", err)
	}
	if err := send(t, e, contract.RefundPayment{PaymentID: "NOPE", Reason: "x"}); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("refunding an unknown payment: %v", err)
	}
}

func TestBadPaymentsAreRefused(t *testing.T) {
	t.Parallel()
	e, g := newEngine(t, simulated.Behaviour{})
	for _, body := range []string{
		`{"paymentId":"P1","orderId":"O1","amount":0,"currency":"EUR"}`,
		`{"paymentId":"P1","orderId":"O1","amount":-5,"currency":"EUR"}`,
		`{"paymentId":"P1","orderId":"O1","amount":5,"currency":"euro"}`,
		`{"paymentId":"a b","orderId":"O1","amount":5,"currency":"EUR"}`,
	} {
		if _, err := e.App.Dispatch(context.Background(), "payments.AuthorisePayment", []byte(body)); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%s: %v, want invalid", body, err)
		}
	}
	if g.Calls() != 0 {
		t.Fatalf("bad payments reached the gateway %d times", g.Calls())
	}
}

func TestAModuleWithoutAGatewayFails(t *testing.T) {
	t.Parallel()
	if err := (payments.Module{}).Register(nil); err == nil {
		t.Fatal("a payments module without a gateway registered")
	}
}
