package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/webos-engine/webos/adapters/logging"
)

// rebuild resets one projection and replays the event store into it.
func rebuild(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var common commonFlags
	common.register(fs)
	common.registerReadModels(fs)
	names, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if len(names) != 1 {
		return usagef("usage: webos projections rebuild NAME (one projection name, e.g. warehouse.stock)")
	}
	log := logging.New(out.stderr, common.logLevel)
	e, err := openEngine(common, log)
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
	fmt.Fprintf(out.stdout, "rebuilt %s from %d events in %s (%.0f events/s)\n",
		names[0], n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return nil
}
