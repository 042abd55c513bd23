// Package logging builds the engine's slog logger: coloured, human-readable
// lines on a terminal and JSON lines everywhere else, with the request and
// correlation ids of application.Meta added to every record logged with a
// context, so that one search for a request id finds every line it caused.
package logging

import (
	"io"
	"log/slog"
	"time"

	"github.com/lmittmann/tint"
	"github.com/mattn/go-isatty"
)

// New returns a logger writing to w at level and above. When w is a
// terminal the output is tinted text for people; otherwise it is JSON, one
// object per line, for log collectors, with durations in milliseconds.
func New(w io.Writer, level slog.Level) *slog.Logger {
	var h slog.Handler
	if isTerminal(w) {
		h = tint.NewTextHandler(w, &tint.Options{Level: level, TimeFormat: time.TimeOnly})
	} else {
		h = slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: durationsInMillis})
	}
	return slog.New(contextHandler{next: h})
}

// isTerminal reports whether w is a file attached to a terminal; writers
// that are not files (buffers, pipes wrapped in bufio) never are.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
