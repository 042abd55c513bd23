package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/webos-engine/webos/adapters/eventstore/sqlite"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// exportFormat names the layout `webos audit export` writes, described in
// docs/audit-format.md and read by docs/audit/verify.py.
const exportFormat = "webos.audit-export/1"

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

// auditExport writes every event of the global feed (or of one stream) as
// one JSON document, for verifiers outside the engine.
func auditExport(ctx context.Context, fs *flag.FlagSet, args []string, out streams) (err error) {
	var common commonFlags
	common.register(fs)
	stream := fs.String("stream", "", "export only the stream `ID`")
	file := fs.String("out", "", "write to `FILE` instead of stdout")
	events, done, err := openAuditStore(fs, args, out, &common)
	if err != nil {
		return err
	}
	defer done()
	dst := out.stdout
	if *file != "" {
		f, err := os.Create(*file)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, f.Close()) }()
		dst = f
	}
	w := bufio.NewWriter(dst)
	n, err := writeExport(ctx, w, events, *stream)
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out.stderr, "exported %d events\n", n)
	return nil
}

// writeExport streams the events out page by page, so an export of any
// size needs little memory.
func writeExport(ctx context.Context, w io.Writer, s application.EventStore, stream string) (int, error) {
	fmt.Fprintf(w, "{\"format\":%q,\"events\":[", exportFormat)
	n := 0
	for after := uint64(0); ; {
		var page []domain.Envelope
		var err error
		if stream != "" {
			page, err = s.ReadStream(ctx, stream, after+1, application.Forward, 1000)
		} else {
			page, err = s.ReadAll(ctx, after, 1000)
		}
		if err != nil {
			return n, err
		}
		for i := range page {
			b, err := json.Marshal(&page[i])
			if err != nil {
				return n, err
			}
			if n > 0 {
				_, _ = io.WriteString(w, ",")
			}
			_, _ = io.WriteString(w, "\n")
			if _, err := w.Write(b); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < 1000 {
			break
		}
		last := page[len(page)-1]
		after = last.Position
		if stream != "" {
			after = last.StreamVersion
		}
	}
	_, err := io.WriteString(w, "\n]}\n")
	return n, err
}

// openAuditStore parses the flags, locks the data dir as every data-dir
// command does (so no server writes meanwhile) and opens its event store,
// refusing a data dir that has none rather than creating an empty one.
func openAuditStore(fs *flag.FlagSet, args []string, out streams, common *commonFlags) (application.EventStore, func(), error) {
	rest, err := parse(fs, args, out)
	if err != nil {
		return nil, nil, err
	}
	if err := unexpected(rest); err != nil {
		return nil, nil, err
	}
	path := filepath.Join(common.dataDir, "events.db")
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("no event store at %s (is --data-dir right?)", path)
	}
	unlock, err := lockDataDir(common.dataDir)
	if err != nil {
		return nil, nil, err
	}
	events, err := sqlite.Open(path)
	if err != nil {
		unlock()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return events, func() { _ = events.Close(); unlock() }, nil
}
