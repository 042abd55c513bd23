package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/adapters/bus"
	"github.com/webos-engine/webos/adapters/bus/bustest"
	buspg "github.com/webos-engine/webos/adapters/bus/postgres"
)

// pgURL is the machine's PostgreSQL test database (.ci/services starts it).
const pgURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func TestConformance(t *testing.T) {
	bustest.Run(t, openPG)
}

func openPG(t testing.TB, token string) bus.Backend {
	u, _ := url.Parse(pgURL)
	b, err := buspg.Open(u, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = b.Close()
		dropTables(t, token)
	})
	return b
}

func dropTables(t testing.TB, token string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgURL)
	if err != nil {
		t.Logf("cleanup: %v", err)
		return
	}
	defer func() { _ = conn.Close(ctx) }()
	topics, _ := bustest.Names(token)
	for _, topic := range topics {
		for _, prefix := range []string{"wm_", "wm_offsets_"} {
			if _, err := conn.Exec(ctx, `DROP TABLE IF EXISTS "`+prefix+topic+`"`); err != nil {
				t.Logf("cleanup: %v", err)
			}
		}
	}
}

// BenchmarkForwarder compares the forwarder with raw Watermill publishing
// to the same backend (docs/benchmarks.md).
func BenchmarkForwarder(b *testing.B) {
	bustest.Throughput(b, openPG)
}
