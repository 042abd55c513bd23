// Command webos is the Web OS Engine: one binary that serves the HTTP API,
// runs projections and hosts the business modules.
//
//	webos serve [--data-dir DIR] [--eventstore URL] [--addr HOST:PORT] [--demo]
//	webos projections rebuild NAME [--data-dir DIR]
//	webos projections skip NAME --position P [--reason TEXT] [--data-dir DIR]
//	webos schemas [--out DIR]
//	webos version
//	webos help [COMMAND]
//
// Every flag has a WEBOS_* environment twin (--data-dir: WEBOS_DATA_DIR).
// Every command answers -h and --help. Exit codes: 0 success or help, 1 a
// failure while running, 2 a usage mistake (unknown command, bad flag or
// environment value).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err))
}

// exitCode reports err, if any, and maps it to the process exit code.
func exitCode(err error) int {
	var usage usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, "webos:", err)
		return 2
	default:
		fmt.Fprintln(os.Stderr, "webos:", err)
		return 1
	}
}

// usageError is a mistake in how webos was called, as opposed to a
// failure while running: the caller has to change the command line or
// the environment.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}
