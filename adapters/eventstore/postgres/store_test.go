package postgres_test

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/adapters/checkpoint/checkpointtest"
	"github.com/webos-engine/webos/adapters/eventstore/eventstoretest"
	"github.com/webos-engine/webos/adapters/eventstore/postgres"
	"github.com/webos-engine/webos/adapters/testkit/pgtest"
	"github.com/webos-engine/webos/application"
)

// open returns a store in a new schema, dropped when the test ends.
func open(t *testing.T, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	return openSchema(t, pgtest.Schema(t, "es"), opts...)
}

// openSchema opens the store of schema; the caller drops the schema.
func openSchema(t *testing.T, schema string, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), pgtest.URL(t), append([]postgres.Option{postgres.WithSchema(schema)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	eventstoretest.Run(t, func(t *testing.T) application.EventStore { return open(t) })
	prefix := pgtest.Schema(t, "es_durable")
	for _, name := range []string{"a", "b"} {
		pgtest.Drop(t, prefix+"_"+name)
	}
	eventstoretest.RunDurable(t, func(t *testing.T, name string) application.EventStore {
		return openSchema(t, prefix+"_"+name)
	})
}

func TestCheckpointConformance(t *testing.T) {
	checkpointtest.Run(t, func(t *testing.T) checkpointtest.Store { return open(t) })
	prefix := pgtest.Schema(t, "cp_durable")
	for _, name := range []string{"a", "b"} {
		pgtest.Drop(t, prefix+"_"+name)
	}
	checkpointtest.RunDurable(t, func(t *testing.T, name string) checkpointtest.Store {
		return openSchema(t, prefix+"_"+name)
	})
}
