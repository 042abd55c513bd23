// Package gatewaytest is the conformance suite of the PaymentGateway
// port: every gateway adapter runs Run in its tests.
package gatewaytest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/webos-engine/webos/modules/payments"
)

// Harness is an adapter under test.
type Harness struct {
	Gateway payments.PaymentGateway
	// Decline makes the provider decline the payments for reference, as
	// a test card number does with a real provider.
	Decline func(reference string)
}

// Run checks the PaymentGateway contract on fresh harnesses from open.
func Run(t *testing.T, open func(t *testing.T) Harness) {
	cases := []struct {
		name string
		run  func(*testing.T, Harness)
	}{
		{"an authorisation asked again is answered the same", authoriseTwice},
		{"a key reused for another payment is refused", keyReused},
		{"a declined payment holds nothing", declined},
		{"capture and refund act once", captureAndRefund},
		{"refunding a key that holds nothing voids it", voidBeforeAuthorise},
		{"concurrent authorisations of one key hold once", concurrentAuthorise},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, open(t))
		})
	}
}

var ctx = context.Background()

func request(key string) payments.AuthoriseRequest {
	return payments.AuthoriseRequest{Key: key, Reference: "order-" + key, Amount: 1234, Currency: "EUR"}
}

func mustAuthorise(t *testing.T, h Harness, req payments.AuthoriseRequest) payments.Authorisation {
	t.Helper()
	a, err := h.Gateway.Authorise(ctx, req)
	if err != nil {
		t.Fatalf("authorise %s: %v", req.Key, err)
	}
	return a
}

func authoriseTwice(t *testing.T, h Harness) {
	first := mustAuthorise(t, h, request("p1"))
	if !first.Approved || first.ID == "" {
		t.Fatalf("first answer %+v, want approved with an id", first)
	}
	if again := mustAuthorise(t, h, request("p1")); again != first {
		t.Fatalf("asked again: %+v, first %+v", again, first)
	}
	if other := mustAuthorise(t, h, request("p2")); other.ID == first.ID {
		t.Fatalf("two payments share the authorisation %s", other.ID)
	}
}

func keyReused(t *testing.T, h Harness) {
	mustAuthorise(t, h, request("p1"))
	req := request("p1")
	req.Amount++
	if _, err := h.Gateway.Authorise(ctx, req); !errors.Is(err, payments.ErrKeyReused) {
		t.Fatalf("another amount under the same key: %v, want ErrKeyReused", err)
	}
}

func declined(t *testing.T, h Harness) {
	req := request("p1")
	h.Decline(req.Reference)
	a := mustAuthorise(t, h, req)
	if a.Approved || a.DeclineReason == "" {
		t.Fatalf("answer %+v, want declined with a reason", a)
	}
	if again := mustAuthorise(t, h, req); again != a {
		t.Fatalf("asked again: %+v, first %+v", again, a)
	}
	if err := h.Gateway.Capture(ctx, "p1"); !errors.Is(err, payments.ErrNotAuthorised) {
		t.Fatalf("capturing a declined payment: %v, want ErrNotAuthorised", err)
	}
}

func captureAndRefund(t *testing.T, h Harness) {
	if err := h.Gateway.Capture(ctx, "p1"); !errors.Is(err, payments.ErrNotAuthorised) {
		t.Fatalf("capturing an unknown key: %v, want ErrNotAuthorised", err)
	}
	mustAuthorise(t, h, request("p1"))
	for range 2 {
		if err := h.Gateway.Capture(ctx, "p1"); err != nil {
			t.Fatalf("capture: %v", err)
		}
	}
	for range 2 {
		r, err := h.Gateway.Refund(ctx, "p1")
		if err != nil || r.Refunded != 1234 {
			t.Fatalf("refund: %+v %v, want 1234 refunded", r, err)
		}
	}
	if err := h.Gateway.Capture(ctx, "p1"); !errors.Is(err, payments.ErrNotAuthorised) {
		t.Fatalf("capturing a refunded payment: %v, want ErrNotAuthorised", err)
	}
	// An authorisation never captured is released by a refund.
	mustAuthorise(t, h, request("p2"))
	if r, err := h.Gateway.Refund(ctx, "p2"); err != nil || r.Refunded != 1234 {
		t.Fatalf("refund of a hold: %+v %v", r, err)
	}
}

func voidBeforeAuthorise(t *testing.T, h Harness) {
	r, err := h.Gateway.Refund(ctx, "p1")
	if err != nil || r.Refunded != 0 {
		t.Fatalf("refund of nothing: %+v %v, want 0", r, err)
	}
	if a := mustAuthorise(t, h, request("p1")); a.Approved {
		t.Fatalf("a voided key was authorised: %+v", a)
	}
}

func concurrentAuthorise(t *testing.T, h Harness) {
	answers := make([]payments.Authorisation, 20)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Go(func() {
			a, err := h.Gateway.Authorise(ctx, request("p1"))
			if err != nil {
				t.Errorf("authorise: %v", err)
			}
			answers[i] = a
		})
	}
	wg.Wait()
	for _, a := range answers {
		if a != answers[0] || !a.Approved {
			t.Fatalf("answers differ: %+v", answers)
		}
	}
}
