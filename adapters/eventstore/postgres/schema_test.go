package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
)

// TestConcurrentOpenMigratesOnce opens one new schema from several
// goroutines at once: each migration step runs once, and all of them get
// the same store.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	const openers = 4
	url, schema := pgtest.URL(t), pgtest.Schema(t, "es_mig")
	ids := make([]string, openers)
	var wg sync.WaitGroup
	for i := range openers {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), url, postgres.WithSchema(schema), postgres.WithMaxConns(1))
			if err != nil {
				t.Error(err)
				return
			}
			defer func() { _ = s.Close() }()
			ids[i], _ = s.StoreID(context.Background())
		})
	}
	wg.Wait()
	for _, id := range ids[1:] {
		if id != ids[0] || id == "" {
			t.Fatalf("store ids %q differ", ids)
		}
	}
	var steps, distinct int
	queryRow(t, url, "SELECT count(*), count(DISTINCT version) FROM "+pgx.Identifier{schema, "schema_migrations"}.Sanitize(), &steps, &distinct)
	if steps == 0 || steps != distinct {
		t.Fatalf("schema_migrations holds %d rows for %d versions", steps, distinct)
	}
}

// TestNewerSchemaRefused opens a schema a newer program migrated further.
func TestNewerSchemaRefused(t *testing.T) {
	url, schema := pgtest.URL(t), pgtest.Schema(t, "es_new")
	s, err := postgres.Open(context.Background(), url, postgres.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	pgtest.Exec(t, url, "INSERT INTO "+pgx.Identifier{schema, "schema_migrations"}.Sanitize()+" (version) VALUES (1000)")
	if _, err := postgres.Open(context.Background(), url, postgres.WithSchema(schema)); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("err = %v, want a refusal of the newer schema", err)
	}
}

func queryRow(t *testing.T, url, sql string, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if err := conn.QueryRow(ctx, sql).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}
