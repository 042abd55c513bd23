package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/logging"
)

// withPoison opens the poison archive of the data dir's read-model store,
// holding the data dir's lock as rebuild does: the archive is read and
// changed while no server runs.
func withPoison(ctx context.Context, fs *flag.FlagSet, args []string, out streams, run func(*bus.Poison, []string) error) error {
	var common commonFlags
	common.register(fs)
	common.registerReadModels(fs)
	rest, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	unlock, err := lockDataDir(common.dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	models, err := openReadModels(ctx, common, logging.New(out.stderr, common.logLevel))
	if err != nil {
		return err
	}
	defer func() { _ = models.Close() }() // nothing left to report a close error to
	return run(bus.NewPoison(models), rest)
}

// busPoisonList prints the poison archive, oldest first.
func busPoisonList(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	return withPoison(ctx, fs, args, out, func(p *bus.Poison, rest []string) error {
		if err := unexpected(rest); err != nil {
			return err
		}
		recs, err := p.List(ctx, false)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			fmt.Fprintln(out.stdout, "no poison messages")
			return nil
		}
		tw := tabwriter.NewWriter(out.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tEVENT TYPE\tPOISONED AT\tREPLAY\tERROR")
		for _, r := range recs {
			replay := ""
			if r.Replay {
				replay = "marked"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.EventType, r.PoisonedAt, replay, oneLine(r.Error))
		}
		return tw.Flush()
	})
}

// busPoisonReplay marks poison messages for replay: the named ones, or
// all with --all.
func busPoisonReplay(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var all bool
	fs.BoolVar(&all, "all", false, "replay every poison message")
	return withPoison(ctx, fs, args, out, func(p *bus.Poison, ids []string) error {
		if all == (len(ids) > 0) {
			return usagef("usage: webos bus poison replay ID... or --all (IDs as webos bus poison list shows them)")
		}
		n, err := p.MarkReplay(ctx, ids)
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintln(out.stdout, "no poison messages")
			return nil
		}
		fmt.Fprintf(out.stdout, "marked %d poison message(s) for replay: webos serve hands each back to its consumer when it starts, "+
			"and forgets it once handled\n", n)
		return nil
	})
}

// oneLine keeps an error message on one table row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
