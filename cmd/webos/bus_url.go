package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"

	"github.com/webos-engine/webos/adapters/bus"
	busamqp "github.com/webos-engine/webos/adapters/bus/amqp"
	"github.com/webos-engine/webos/adapters/bus/gochannel"
	busnats "github.com/webos-engine/webos/adapters/bus/nats"
	buspg "github.com/webos-engine/webos/adapters/bus/postgres"
	busredis "github.com/webos-engine/webos/adapters/bus/redis"
)

// busURL is the value of --bus: which Watermill backend the forwarder
// publishes to and the consumers read. Empty means gochannel.
type busURL string

// busParams lists the query parameters each scheme takes (all durations);
// anything else in the query is a usage mistake, but for postgres, whose
// other parameters are pgx's.
var busParams = map[string][]string{
	"nats": {"ack_wait"}, "amqp": nil, "amqps": nil, "redis": {"max_idle"}, "rediss": {"max_idle"},
	"postgres": {"poll"}, "postgresql": {"poll"},
}

func (u *busURL) String() string {
	if *u == "" {
		return "gochannel"
	}
	return string(*u)
}

// Set accepts gochannel or a URL of a known scheme with a host; whether
// the server answers is checked when serve opens it.
func (u *busURL) Set(v string) error {
	if v == "gochannel" {
		*u = ""
		return nil
	}
	p, err := url.Parse(v)
	if err != nil {
		return errors.New("malformed URL")
	}
	params, known := busParams[p.Scheme]
	if !known || p.Host == "" {
		return errors.New("want gochannel, nats://HOST:PORT, amqp://USER:PASS@HOST:PORT/, redis://HOST:PORT/DB or postgres://USER@HOST:PORT/DB")
	}
	for name := range p.Query() {
		ok := p.Scheme == "postgres" || p.Scheme == "postgresql"
		for _, want := range params {
			ok = ok || name == want
		}
		if !ok {
			return fmt.Errorf("unknown parameter %q for %s://", name, p.Scheme)
		}
	}
	for _, name := range params {
		if _, err := bus.DurationParam(p, name, 0); err != nil {
			return fmt.Errorf("%s=%q is not a positive duration such as 500ms or 30s", name, p.Query().Get(name))
		}
	}
	*u = busURL(v)
	return nil
}

// registerBus adds --bus (WEBOS_BUS).
func registerBus(fs *flag.FlagSet, u *busURL) {
	fs.Var(u, "bus", "`URL` of the event bus: gochannel (in process), nats://HOST:PORT (JetStream), "+
		"amqp://USER:PASS@HOST:PORT/ (RabbitMQ), redis://HOST:PORT/DB (Redis streams) or postgres://USER@HOST:PORT/DB")
}

// openBus opens the backend u names. A server that does not answer
// within a few seconds is an error naming it, without its password.
func openBus(u busURL, log *slog.Logger) (bus.Backend, error) {
	if u == "" {
		return gochannel.New(log), nil
	}
	p, err := url.Parse(string(u))
	if err != nil {
		return nil, err // Set parsed it already
	}
	var b bus.Backend
	switch p.Scheme {
	case "nats":
		b, err = busnats.Open(p, log)
	case "amqp", "amqps":
		b, err = busamqp.Open(p, log)
	case "redis", "rediss":
		b, err = busredis.Open(p, log)
	default:
		b, err = buspg.Open(p, log)
	}
	if err != nil {
		// One line: pgx lists each address it tried on a line of its own.
		return nil, fmt.Errorf("the event bus is unreachable: %s", oneLine(err.Error()))
	}
	return b, nil
}
