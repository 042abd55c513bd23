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

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// exportFormat names the layout `webos audit export` writes, described in
// docs/audit-format.md and read by docs/audit/verify.py.
const exportFormat = "webos.audit-export/1"

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
