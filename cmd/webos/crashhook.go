//go:build webostest && unix

package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"

	"github.com/webos-engine/webos/sagas"
)

// The saga crash hook exists only in a binary built with the tag
// webostest (the tests of cmd/webos build one; see testhooks_on.go): a
// release build has no code that reads these variables.
//
//   - WEBOS_TEST_SAGA_TRACE=1 writes "saga boundary: {boundary}" to stderr
//     at every boundary the saga runtime passes;
//   - WEBOS_TEST_CRASH_FILE={path}: at every boundary the file is read,
//     and when it holds that boundary's name (sagas.Boundary.String) the
//     process writes "saga crash hook: killed at {boundary}" and kills
//     itself with SIGKILL. A missing file crashes nothing.
func init() {
	file, trace := os.Getenv("WEBOS_TEST_CRASH_FILE"), os.Getenv("WEBOS_TEST_SAGA_TRACE") != ""
	if file == "" && !trace {
		return
	}
	sagaHook = func(b sagas.Boundary) {
		name := b.String()
		if trace {
			fmt.Fprintf(os.Stderr, "saga boundary: %s\n", name)
		}
		if file == "" {
			return
		}
		if at, err := os.ReadFile(file); err == nil && strings.TrimSpace(string(at)) == name {
			fmt.Fprintf(os.Stderr, "saga crash hook: killed at %s\n", name)
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // the signal ends the process
		}
	}
}
