//go:build !webostest

package main

import (
	"log/slog"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// testHooks does nothing: the hooks exist only in binaries built with the
// webostest tag, for the tests of cmd/webos (testhooks_on.go).
func testHooks([]*application.Projection, *projections.Options, *slog.Logger) {}
