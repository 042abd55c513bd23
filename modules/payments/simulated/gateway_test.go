package simulated_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/webos-engine/webos/modules/payments"
	"github.com/webos-engine/webos/modules/payments/gatewaytest"
	"github.com/webos-engine/webos/modules/payments/simulated"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	gatewaytest.Run(t, func(*testing.T) gatewaytest.Harness {
		g := simulated.New(simulated.Behaviour{})
		return gatewaytest.Harness{Gateway: g, Decline: func(ref string) { g.SetFor(ref, simulated.Behaviour{Outcome: simulated.Decline}) }}
	})
}

var req = payments.AuthoriseRequest{Key: "p1", Reference: "o1", Amount: 500, Currency: "EUR"}

func TestFailNTimesThenSucceed(t *testing.T) {
	t.Parallel()
	g := simulated.New(simulated.Behaviour{FailTimes: 2})
	for i := range 2 {
		if _, err := g.Authorise(context.Background(), req); !errors.Is(err, payments.ErrUnavailable) {
			t.Fatalf("call %d: %v, want ErrUnavailable", i+1, err)
		}
	}
	if len(g.Ledger()) != 0 {
		t.Fatalf("failed calls charged: %+v", g.Ledger())
	}
	if a, err := g.Authorise(context.Background(), req); err != nil || !a.Approved {
		t.Fatalf("third call: %+v %v", a, err)
	}
	if g.Calls() != 3 {
		t.Fatalf("%d calls counted, want 3", g.Calls())
	}
}

// TestTimeOutLosesTheAnswerNotTheCharge: the provider holds the money
// but no call gets an answer; once it answers again, it answers approved.
func TestTimeOutLosesTheAnswerNotTheCharge(t *testing.T) {
	t.Parallel()
	g := simulated.New(simulated.Behaviour{Outcome: simulated.TimeOut})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Authorise(ctx, req); !errors.Is(err, payments.ErrUnavailable) {
		t.Fatalf("timed-out call: %v", err)
	}
	if g.Outstanding("o1") != 500 {
		t.Fatalf("the provider holds %d, want 500", g.Outstanding("o1"))
	}
	again, cancelAgain := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancelAgain()
	if _, err := g.Authorise(again, req); !errors.Is(err, payments.ErrUnavailable) {
		t.Fatalf("asked again while timing out: %v", err)
	}
	g.Set(simulated.Behaviour{})
	if a, err := g.Authorise(context.Background(), req); err != nil || !a.Approved {
		t.Fatalf("late approval: %+v %v", a, err)
	}
	if r, err := g.Refund(context.Background(), "p1"); err != nil || r.Refunded != 500 || g.Outstanding("o1") != 0 {
		t.Fatalf("refund of the late approval: %+v %v, outstanding %d", r, err, g.Outstanding("o1"))
	}
}

func TestLatencyBeyondTheCallersWait(t *testing.T) {
	t.Parallel()
	g := simulated.New(simulated.Behaviour{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := g.Authorise(ctx, req); !errors.Is(err, payments.ErrUnavailable) {
		t.Fatalf("slow answer: %v", err)
	}
	g.Set(simulated.Behaviour{Latency: time.Millisecond})
	if a, err := g.Authorise(context.Background(), req); err != nil || !a.Approved {
		t.Fatalf("asked again: %+v %v", a, err)
	}
}

func TestTheLedgerShowsADoubleCharge(t *testing.T) {
	t.Parallel()
	g := simulated.New(simulated.Behaviour{})
	for _, key := range []string{"p1", "p1", "p2"} {
		r := req
		r.Key = key
		if _, err := g.Authorise(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	other := payments.AuthoriseRequest{Key: "p3", Reference: "o2", Amount: 1, Currency: "EUR"}
	if _, err := g.Authorise(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	if got := g.DoubleCharges(); !slices.Equal(got, []string{"o1"}) {
		t.Fatalf("double charges %v, want [o1]", got)
	}
	if len(g.Ledger()) != 3 || g.Outstanding("o1") != 1000 {
		t.Fatalf("ledger %+v, outstanding %d", g.Ledger(), g.Outstanding("o1"))
	}
}

func TestParseBehaviour(t *testing.T) {
	t.Parallel()
	good := map[string]simulated.Behaviour{
		"":                             {},
		"approve":                      {},
		"decline,reason=card expired":  {Outcome: simulated.Decline, DeclineReason: "card expired"},
		"timeout":                      {Outcome: simulated.TimeOut},
		"approve,latency=250ms,fail=3": {Latency: 250 * time.Millisecond, FailTimes: 3},
		" decline , fail=1 ":           {Outcome: simulated.Decline, FailTimes: 1},
	}
	for in, want := range good {
		got, err := simulated.ParseBehaviour(in)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", in, got, err, want)
		}
		if again, err := simulated.ParseBehaviour(got.String()); err != nil || again != got {
			t.Errorf("%q does not round-trip through %q", in, got.String())
		}
	}
	for _, bad := range []string{"maybe", "latency=soon", "latency=-1s", "fail=x", "fail=-2", "latency"} {
		if _, err := simulated.ParseBehaviour(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}
