package simulated

import "github.com/webos-engine/webos/modules/payments"

// ChargeState is where a charge of the ledger is.
type ChargeState string

// Charge states.
const (
	Authorised ChargeState = "authorised"
	Declined   ChargeState = "declined"
	Captured   ChargeState = "captured"
	Refunded   ChargeState = "refunded"
	// Voided is a key refunded before anything was held under it: it
	// declines every later authorisation.
	Voided ChargeState = "voided"
)

// Charge is one entry of the ledger: everything done under one key.
type Charge struct {
	Key           string
	Reference     string
	Amount        int64
	Currency      string
	State         ChargeState
	Authorisation string
	DeclineReason string
	Captured      int64
	Refunded      int64
}

// answer is what Authorise answers for the charge.
func (c *Charge) answer() payments.Authorisation {
	switch c.State {
	case Declined:
		return payments.Authorisation{DeclineReason: c.DeclineReason}
	case Voided:
		return payments.Authorisation{DeclineReason: "voided: the payment was cancelled before it was authorised"}
	}
	return payments.Authorisation{Approved: true, ID: c.Authorisation}
}

// Approved reports whether money was ever held under the charge.
func (c Charge) Approved() bool { return c.Authorisation != "" }

// Ledger returns a copy of every charge, in the order they were made.
func (g *Gateway) Ledger() []Charge {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Charge, len(g.order))
	for i, k := range g.order {
		out[i] = *g.charges[k]
	}
	return out
}

// DoubleCharges lists the references (orders) with more than one charge
// that held money: what a customer would see as being charged twice,
// even if one was refunded later.
func (g *Gateway) DoubleCharges() []string {
	n := map[string]int{}
	var out []string
	for _, c := range g.Ledger() {
		if c.Approved() {
			n[c.Reference]++
			if n[c.Reference] == 2 {
				out = append(out, c.Reference)
			}
		}
	}
	return out
}

// Outstanding is what the references' charges hold or took and have not
// given back, in minor units.
func (g *Gateway) Outstanding(reference string) int64 {
	var sum int64
	for _, c := range g.Ledger() {
		if c.Reference == reference && (c.State == Authorised || c.State == Captured) {
			sum += c.Amount
		}
	}
	return sum
}
