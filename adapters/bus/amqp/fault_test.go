//go:build !race

package amqp_test

import (
	"testing"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/bus/bustest"
	"github.com/webos-engine/webos/adapters/testkit/tcpproxy"
)

// This test does not run under the race detector: watermill-amqp v3.0.2
// reconnects with a data race of its own (ConnectionWrapper.connected and
// amqpConnection are replaced by handleConnectionClose while Publish and
// the subscribers read them, without a lock), which the detector reports
// as soon as a connection is lost. `go test ./adapters/bus/amqp/` runs it.

// TestFault cuts the connection to the machine's RabbitMQ, which other
// tests share and this one must not stop, with a TCP proxy in between:
// every connection through it is closed and new ones are refused while
// events are appended, then it accepts again. Every event is handled
// once after the client reconnected.
func TestFault(t *testing.T) {
	proxy := tcpproxy.Start(t, "127.0.0.1:5672")
	raw := "amqp://guest:guest@" + proxy.Addr() + "/"
	bustest.Fault(t, func(t testing.TB, token string) bus.Backend { return openAt(t, raw, token) }, proxy.Kill, proxy.Restart)
}
