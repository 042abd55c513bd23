package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// auditVerify checks every stream's hash chain and the global feed's order
// (or one stream's chain) in a data dir no server is using.
func auditVerify(ctx context.Context, fs *flag.FlagSet, args []string, out streams) error {
	var common commonFlags
	common.register(fs)
	stream := fs.String("stream", "", "check only the stream `ID`")
	events, done, err := openAuditStore(fs, args, out, &common)
	if err != nil {
		return err
	}
	defer done()
	var r application.AuditReport
	if *stream != "" {
		r, err = application.VerifyStream(ctx, events, *stream)
	} else {
		r, err = application.VerifyStore(ctx, events)
	}
	if err != nil {
		if b := (*application.AuditBreak)(nil); errors.As(err, &b) {
			return fmt.Errorf("audit: chain broken at %w", err)
		}
		return fmt.Errorf("audit: %w", err)
	}
	fmt.Fprintf(out.stdout, "verified %d events in %d streams up to position %d; hash schemes: %s\n",
		r.Events, r.Streams, r.Head, schemeSummary(r.Schemes))
	if *stream == "" {
		fmt.Fprintln(out.stdout, "global feed: positions strictly increasing, every event at its stream's version")
	}
	return nil
}

func schemeSummary(counts map[domain.HashScheme]int) string {
	if len(counts) == 0 {
		return "none"
	}
	var parts []string
	for s, n := range counts {
		parts = append(parts, fmt.Sprintf("%s %d", s, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// openAuditStore parses the flags, locks the data dir as every data-dir
// command does (so no server writes meanwhile) and opens its event store
// read-only, refusing a data dir that has none: an auditor's tool never
// changes the evidence, so it neither migrates an older file nor
// checkpoints a WAL left by a killed server into it.
func openAuditStore(fs *flag.FlagSet, args []string, out streams, common *commonFlags) (application.EventStore, func(), error) {
	rest, err := parse(fs, args, out)
	if err != nil {
		return nil, nil, err
	}
	if err := unexpected(rest); err != nil {
		return nil, nil, err
	}
	target, err := parseEventStore(string(common.eventStore), common.dataDir)
	if err != nil {
		return nil, nil, err
	}
	if target.scheme == "sqlite" {
		// Refuse before the lock creates the data dir.
		if _, err := os.Stat(target.path); err != nil {
			return nil, nil, fmt.Errorf("no event store at %s (is --data-dir or --eventstore right?)", target.path)
		}
	}
	unlock, err := lockDataDir(common.dataDir)
	if err != nil {
		return nil, nil, err
	}
	events, err := target.openAudit(context.Background())
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return events, func() { _ = events.Close(); unlock() }, nil
}
