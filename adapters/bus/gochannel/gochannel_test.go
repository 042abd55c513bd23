package gochannel_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/bus/bustest"
	"github.com/webos-engine/webos/adapters/bus/gochannel"
)

func TestConformance(t *testing.T) {
	bustest.Run(t, func(t testing.TB, _ string) bus.Backend {
		b := gochannel.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
		t.Cleanup(func() { _ = b.Close() })
		return b
	})
}

// BenchmarkForwarder compares the forwarder with raw Watermill publishing
// to the same backend (docs/benchmarks.md).
func BenchmarkForwarder(b *testing.B) {
	bustest.Throughput(b, func(t testing.TB, _ string) bus.Backend {
		g := gochannel.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
		t.Cleanup(func() { _ = g.Close() })
		return g
	})
}
