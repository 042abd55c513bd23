package main

import (
	"context"
	"flag"
	"fmt"
	"os/user"

	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/projections"
)

// skip records, as an audited event in the engine's own stream, that a
// projection must pass over one event it cannot apply. Like rebuild it
// takes the data dir's lock, so it is refused while a server runs: the
// server reads recorded skips when a projection starts.
func skip(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var common commonFlags
	common.register(fs)
	common.registerReadModels(fs)
	var position uint64
	var reason string
	fs.Uint64Var(&position, "position", 0, "the `POSITION` of the event to skip, as /api/modules or the log reports it")
	fs.StringVar(&reason, "reason", "", "why it is skipped, kept in the record")
	names, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if len(names) != 1 || position == 0 {
		return usagef("usage: webos projections skip NAME --position P (e.g. warehouse.stock --position 42)")
	}
	log := logging.New(out.stderr, common.logLevel)
	e, err := openEngine(common, log)
	if err != nil {
		return err
	}
	defer func() { _ = e.close() }() // nothing left to report a close error to
	rec, err := e.projections.Skip(ctx, names[0], position, operator(), reason, newID())
	if err != nil {
		return err
	}
	log.Warn("operator recorded a projection skip", "projection", names[0], "position", position,
		"actor", rec.Actor, "record", rec.ID, "record_position", rec.Position)
	fmt.Fprintf(out.stdout, "recorded: %s skips the event at position %d (event %s in stream %s); it resumes after it at the next start\n",
		names[0], position, rec.ID, projections.SkipStream)
	return nil
}

// operator names who ran the command, for the record.
func operator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "operator:" + u.Username
	}
	return "operator"
}
