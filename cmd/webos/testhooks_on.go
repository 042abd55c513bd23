//go:build webostest

package main

import (
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// testHooks lets the tests of cmd/webos change a real binary's behaviour
// from the environment. It is compiled only with the webostest tag, never
// into a release build:
//
//   - WEBOS_TEST_PROJECTION_VERSIONS=name=v,...: the named projections
//     declare version v, as a build with their code changed would;
//   - WEBOS_TEST_REBUILD_PAUSE=duration: background rebuilds apply batches
//     of 10 events with that pause after each, so a test can watch one
//     part way or kill the process in the middle.
func testHooks(ps []*application.Projection, opts *projections.Options, log *slog.Logger) {
	for _, pair := range strings.Split(os.Getenv("WEBOS_TEST_PROJECTION_VERSIONS"), ",") {
		name, v, ok := strings.Cut(pair, "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			continue
		}
		for _, p := range ps {
			if p.Name() == name {
				p.SetVersion(n)
				log.Warn("test hook: projection version set", "projection", name, "version", n)
			}
		}
	}
	if d, err := time.ParseDuration(os.Getenv("WEBOS_TEST_REBUILD_PAUSE")); err == nil {
		opts.RebuildPause, opts.BatchSize, opts.CatchUpBatchSize = d, 10, 10
		log.Warn("test hook: background rebuilds slowed down", "pause", d)
	}
}
