// Command webos is the Web OS Engine: one binary that serves the HTTP API,
// runs projections and hosts the business modules.
//
//	webos serve [--data-dir DIR] [--addr HOST:PORT] [--demo]
//	webos projections rebuild NAME [--data-dir DIR]
//	webos schemas [--out DIR]
//	webos version
//
// Every flag has a WEBOS_* environment twin (--data-dir: WEBOS_DATA_DIR).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage:
  webos serve [flags]               run the engine (webos serve -h for flags)
  webos projections rebuild NAME    reset a projection and replay the event store into it
  webos schemas [--out DIR]         write the JSON Schemas of every command and event
  webos version                     print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "webos:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch cmd, rest := args[0], args[1:]; {
	case cmd == "serve":
		return serve(ctx, rest, stderr)
	case cmd == "projections" && len(rest) > 0 && rest[0] == "rebuild":
		return rebuild(ctx, rest[1:], stdout, stderr)
	case cmd == "schemas":
		return writeSchemas(rest, stdout, stderr)
	case cmd == "version":
		fmt.Fprintf(stdout, "webos %s (%s)\n", version, runtime.Version())
		return nil
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
