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
	// Its connections carry the token as application_name, so that
	// TestConnectionsTerminated finds them and no one else's.
	u, _ := url.Parse(pgURL + "&application_name=" + token)
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

// TestConnectionsTerminated drops the bus's server connections with
// pg_terminate_backend again and again while the forwarder publishes and
// the consumer reads: every event is handled once all the same.
func TestConnectionsTerminated(t *testing.T) {
	bustest.Interrupted(t, openPG, func(token string) int {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, pgURL)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Close(ctx) }()
		// The pids first: in one statement PostgreSQL may terminate before
		// it filters, whatever the order of the conditions.
		rows, _ := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1`, token)
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			t.Fatal(err)
		}
		for _, pid := range pids {
			if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
				t.Fatal(err)
			}
		}
		return len(pids)
	})
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
