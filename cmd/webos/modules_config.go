package main

import (
	"flag"
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
	// extra are hosted after the business modules (the saga benchmark's).
	extra []application.Module
}

func (m *moduleConfig) register(fs *flag.FlagSet) {
	fs.Var(&m.gateway, "payment-gateway", "`BEHAVIOUR` of the simulated payment gateway: approve, decline or timeout, "+
		"then optionally latency=DURATION, fail=N (the first N calls per payment fail), reason=TEXT; e.g. \"approve,latency=200ms,fail=1\"")
	fs.DurationVar(&m.paymentTimeout, "payment-timeout", payments.DefaultAnswerTimeout,
		"how long a payment gateway call is waited for; an authorisation not answered in it stays pending")
}

// modules lists the business modules the engine hosts, after the core
// identity module.
func modules(cfg moduleConfig) []application.Module {
	return append([]application.Module{
		warehouse.Module{},
		orders.Module{},
		payments.Module{Gateway: simulated.New(cfg.gateway.Behaviour), AnswerTimeout: cfg.paymentTimeout},
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
