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
	bustest.Run(t, func(t *testing.T, _ string) bus.Backend {
		b := gochannel.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
		t.Cleanup(func() { _ = b.Close() })
		return b
	})
}
