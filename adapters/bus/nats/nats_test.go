package nats_test

import (
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"

	natsgo "github.com/nats-io/nats.go"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/bus/bustest"
	busnats "github.com/webos-engine/webos/adapters/bus/nats"
)

// natsURL is the machine's NATS server (.ci/services starts it).
const natsURL = "nats://127.0.0.1:4222"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// open connects to the server at raw and removes the test's streams at
// cleanup.
func open(t testing.TB, raw, token string) bus.Backend {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	b, err := busnats.Open(u, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		dropStreams(t, raw, token)
	})
	return b
}

func dropStreams(t testing.TB, raw, token string) {
	nc, err := natsgo.Connect(raw)
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		return
	}
	for name := range js.StreamNames() {
		if strings.Contains(name, token) {
			_ = js.DeleteStream(name)
		}
	}
}

func TestConformance(t *testing.T) {
	bustest.Run(t, func(t testing.TB, token string) bus.Backend { return open(t, natsURL+"?ack_wait=5s", token) })
}

// TestFault kills its own JetStream server mid-stream and starts it again
// on the same store directory.
func TestFault(t *testing.T) {
	dir := t.TempDir()
	srv := bustest.StartServer(t, "/usr/sbin/nats-server", func(port int) []string {
		return []string{"-js", "-a", "127.0.0.1", "-p", strconv.Itoa(port), "-sd", dir}
	})
	raw := "nats://127.0.0.1:" + strconv.Itoa(srv.Port)
	bustest.Fault(t, func(t testing.TB, token string) bus.Backend { return open(t, raw+"?ack_wait=2s", token) }, srv.Kill, srv.Start)
}

// BenchmarkForwarder compares the forwarder with raw Watermill publishing
// to the same backend (docs/benchmarks.md).
func BenchmarkForwarder(b *testing.B) {
	bustest.Throughput(b, func(t testing.TB, token string) bus.Backend { return open(t, natsURL, token) })
}
