package main

import (
	"flag"
	"os"
	"path/filepath"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/orders"
	"github.com/webos-engine/webos/modules/payments"
	"github.com/webos-engine/webos/modules/payments/simulated"
	"github.com/webos-engine/webos/modules/warehouse"
)

// moduleConfig is how serve configures the business modules. The zero
// value is what the other commands use: they run no payment.
type moduleConfig struct {
	// gateway is how the simulated payment gateway behaves.
	gateway behaviourFlag
	// paymentTimeout bounds each call to the payment gateway.
	paymentTimeout time.Duration
	// paymentDeadline and paymentCheck time the OrderFulfilment process
	// (zero: the orders module's defaults).
	paymentDeadline, paymentCheck time.Duration
	// paymentGateway is the gateway serve opened (openGateway); nil: a
	// simulated one that keeps its ledger in memory.
	paymentGateway payments.PaymentGateway
	// extra are hosted after the business modules (the saga benchmark's).
	extra []application.Module
}

func (m *moduleConfig) register(fs *flag.FlagSet) {
	fs.Var(&m.gateway, "payment-gateway", "`BEHAVIOUR` of the simulated payment gateway: approve, decline or timeout, "+
		"then optionally latency=DURATION, fail=N (the first N calls per payment fail), reason=TEXT; e.g. \"approve,latency=200ms,fail=1\"")
	fs.DurationVar(&m.paymentTimeout, "payment-timeout", payments.DefaultAnswerTimeout,
		"how long a payment gateway call is waited for; an authorisation not answered in it stays pending")
	fs.DurationVar(&m.paymentDeadline, "payment-deadline", orders.DefaultPaymentDeadline,
		"how long an order's payment may stay unanswered before the order is given up (stock released, order cancelled)")
	fs.DurationVar(&m.paymentCheck, "payment-check", orders.DefaultPaymentCheck,
		"how often an order's unanswered payment is asked about again")
}

// simulatedLedger is the file in the data dir where the simulated payment
// gateway keeps its ledger, so that it outlives the process as a
// provider's would.
const simulatedLedger = "payments-simulated.jsonl"

// openGateway opens the simulated payment gateway on its ledger in
// dataDir; close it when done.
func (m *moduleConfig) openGateway(dataDir string) (*simulated.Gateway, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, err
	}
	gw, err := simulated.Open(filepath.Join(dataDir, simulatedLedger), m.gateway.Behaviour)
	if err != nil {
		return nil, err
	}
	m.paymentGateway = gw
	return gw, nil
}

// modules lists the business modules the engine hosts, after the core
// identity module.
func modules(cfg moduleConfig) []application.Module {
	gw := cfg.paymentGateway
	if gw == nil {
		gw = simulated.New(cfg.gateway.Behaviour)
	}
	return append([]application.Module{
		warehouse.Module{},
		orders.Module{PaymentDeadline: cfg.paymentDeadline, PaymentCheck: cfg.paymentCheck},
		payments.Module{Gateway: gw, AnswerTimeout: cfg.paymentTimeout},
	}, cfg.extra...)
}

// behaviourFlag is a simulated.Behaviour read from a flag.
type behaviourFlag struct{ simulated.Behaviour }

func (b *behaviourFlag) String() string { return b.Behaviour.String() }

func (b *behaviourFlag) Set(s string) error {
	v, err := simulated.ParseBehaviour(s)
	if err != nil {
		return err
	}
	b.Behaviour = v
	return nil
}
