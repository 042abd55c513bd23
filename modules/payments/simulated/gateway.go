// Package simulated is a payment gateway that runs in the process, for
// tests, demos and the embedded default: its behaviour (approve, decline,
// time out, latency, fail N times then succeed) is set per test or by
// configuration, and it keeps a ledger of every charge, so that a double
// charge shows.
package simulated

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/webos-engine/webos/modules/payments"
)

// Gateway is the simulated payment gateway. It is safe for concurrent
// use.
type Gateway struct {
	mu       sync.Mutex
	def      Behaviour
	byRef    map[string]Behaviour
	charges  map[string]*Charge
	order    []string       // keys in the order first charged
	failures map[string]int // "op key" -> calls failed so far
	calls    int
	journal  *os.File // the ledger's file (Open); nil keeps it in memory
}

var _ payments.PaymentGateway = (*Gateway)(nil)

// New returns a gateway that behaves as b.
func New(b Behaviour) *Gateway {
	return &Gateway{def: b, byRef: map[string]Behaviour{}, charges: map[string]*Charge{}, failures: map[string]int{}}
}

// Set changes the behaviour for every payment without a behaviour of its
// own.
func (g *Gateway) Set(b Behaviour) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.def = b
}

// SetFor gives the payments for reference (an order id) their own
// behaviour.
func (g *Gateway) SetFor(reference string, b Behaviour) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.byRef[reference] = b
}

// Calls counts the calls the gateway received, failed ones included.
func (g *Gateway) Calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls
}

// Authorise holds the amount, or declines, as the behaviour says; a key
// seen before gets the answer it got then.
func (g *Gateway) Authorise(ctx context.Context, req payments.AuthoriseRequest) (payments.Authorisation, error) {
	g.mu.Lock()
	b := g.behaviourFor(req.Reference)
	c, seen := g.charges[req.Key]
	switch {
	case seen && (c.Reference != req.Reference || c.Amount != req.Amount || c.Currency != req.Currency) && c.State != Voided:
		g.mu.Unlock()
		return payments.Authorisation{}, payments.ErrKeyReused
	case !seen && g.fails("authorise", req.Key, b):
		g.mu.Unlock()
		return payments.Authorisation{}, unavailable("authorise", req.Key)
	case !seen:
		c = g.charge(req, b)
		if err := g.record(c); err != nil {
			g.mu.Unlock()
			return payments.Authorisation{}, err
		}
	}
	answer := c.answer()
	lost := b.Outcome == TimeOut
	g.mu.Unlock()
	if err := wait(ctx, b.Latency, lost); err != nil {
		return payments.Authorisation{}, err
	}
	return answer, nil
}

// Capture takes the amount held under key, once.
func (g *Gateway) Capture(ctx context.Context, key string) error {
	g.mu.Lock()
	c, ok := g.charges[key]
	b := g.def
	if ok {
		b = g.behaviourFor(c.Reference)
	}
	if g.fails("capture", key, b) {
		g.mu.Unlock()
		return unavailable("capture", key)
	}
	if !ok || (c.State != Authorised && c.State != Captured) {
		g.mu.Unlock()
		return payments.ErrNotAuthorised
	}
	if c.State == Authorised {
		c.State, c.Captured = Captured, c.Amount
		if err := g.record(c); err != nil {
			g.mu.Unlock()
			return err
		}
	}
	g.mu.Unlock()
	return wait(ctx, b.Latency, false)
}

// Refund gives back what key holds or took, once; a key holding nothing
// is voided.
func (g *Gateway) Refund(ctx context.Context, key string) (payments.Refund, error) {
	g.mu.Lock()
	c, ok := g.charges[key]
	b := g.def
	if ok {
		b = g.behaviourFor(c.Reference)
	}
	if g.fails("refund", key, b) {
		g.mu.Unlock()
		return payments.Refund{}, unavailable("refund", key)
	}
	changed := true
	switch {
	case !ok:
		c = &Charge{Key: key, State: Voided}
		g.charges[key] = c
		g.order = append(g.order, key)
	case c.State == Authorised || c.State == Captured:
		c.State, c.Refunded = Refunded, c.Amount
	default:
		changed = false
	}
	if changed {
		if err := g.record(c); err != nil {
			g.mu.Unlock()
			return payments.Refund{}, err
		}
	}
	r := payments.Refund{Refunded: c.Refunded}
	g.mu.Unlock()
	if err := wait(ctx, b.Latency, false); err != nil {
		return payments.Refund{}, err
	}
	return r, nil
}

// behaviourFor is the behaviour for reference's payments. g.mu is held.
func (g *Gateway) behaviourFor(reference string) Behaviour {
	if b, ok := g.byRef[reference]; ok {
		return b
	}
	return g.def
}

// fails counts a call and reports whether it must fail before the
// provider acts. g.mu is held.
func (g *Gateway) fails(op, key string, b Behaviour) bool {
	g.calls++
	n := op + " " + key
	if g.failures[n] < b.FailTimes {
		g.failures[n]++
		return true
	}
	return false
}

// charge records a new charge as the behaviour decides it. g.mu is held.
func (g *Gateway) charge(req payments.AuthoriseRequest, b Behaviour) *Charge {
	c := &Charge{Key: req.Key, Reference: req.Reference, Amount: req.Amount, Currency: req.Currency, State: Authorised,
		Authorisation: fmt.Sprintf("sim-auth-%d", len(g.order)+1)}
	if b.Outcome == Decline {
		c.State, c.Authorisation, c.DeclineReason = Declined, "", b.DeclineReason
		if c.DeclineReason == "" {
			c.DeclineReason = "declined"
		}
	}
	g.charges[req.Key] = c
	g.order = append(g.order, req.Key)
	return c
}

// wait delays an answer by latency, or forever when it is lost, until
// ctx ends.
func wait(ctx context.Context, latency time.Duration, lost bool) error {
	if !lost && latency <= 0 {
		return nil
	}
	var timeout <-chan time.Time
	if !lost {
		t := time.NewTimer(latency)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: no answer: %w", payments.ErrUnavailable, ctx.Err())
	}
}

func unavailable(op, key string) error {
	return fmt.Errorf("%w: %s %s failed (simulated)", payments.ErrUnavailable, op, key)
}
