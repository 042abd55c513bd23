package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
)

// rebuild resets one projection and replays the event store into it.
func rebuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("projections rebuild", flag.ContinueOnError)
	var common commonFlags
	common.register(fs)
	envHelp(fs)
	names, err := parse(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(names) != 1 {
		return fmt.Errorf("usage: webos projections rebuild NAME")
	}
	log := logging.New(stderr, common.logLevel)
	e, err := openEngine(common.dataDir, log)
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	start := time.Now()
	n, err := e.projections.Rebuild(ctx, names[0])
	if err != nil {
		return err
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "rebuilt %s from %d events in %s (%.0f events/s)\n",
		names[0], n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return nil
}
