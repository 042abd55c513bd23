// Command server runs FerretDB, a MongoDB wire-protocol server, for the
// tests of the MongoDB read-model adapter (see package ferretdbtest, which
// builds and starts it). It is its own Go module so that the engine's
// go.mod does not take in FerretDB's dependencies, and a wrapper because
// the released command reads its version from a file that is empty in the
// module (`go install` of it builds a binary that panics at start).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	pgURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/test", "PostgreSQL URL (postgresql backend)")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URI, ending in / (sqlite backend)")
	flag.Parse()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Handler:       *handler,
		PostgreSQLURL: *pgURL,
		SQLiteURL:     *sqliteURL,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Println("listening on", *listen)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
