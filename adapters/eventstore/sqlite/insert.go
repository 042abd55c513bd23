package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/webos-engine/webos/domain"
)

// insertSQL writes one event; position is assigned by SQLite.
var insertSQL = `INSERT INTO events (stream_id, version, id, type, schema_version,
	recorded_at, actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash)
	VALUES (?` + strings.Repeat(", ?", 13) + `)`

// insertEvents stores chained envelopes one row at a time with the
// prepared insert, and records their positions. One prepared single-row
// statement is cheaper than multi-row INSERTs here: the driver binds
// parameters in time quadratic in their number, and large statements churn
// its allocator.
func insertEvents(ctx context.Context, insert *sql.Stmt, events []domain.Envelope) error {
	for i := range events {
		e := &events[i]
		trace, err := traceJSON(e.TraceContext)
		if err != nil {
			return err
		}
		// Data goes in as the exact bytes given, as TEXT.
		res, err := insert.ExecContext(ctx, e.StreamID, int64(e.StreamVersion), e.ID, e.Type,
			int64(e.SchemaVersion), e.RecordedAt.UTC().Format(time.RFC3339Nano), e.Actor, e.Tenant,
			e.CorrelationID, e.CausationID, trace, string(e.Data), e.PrevHash, e.Hash)
		if err != nil {
			return err
		}
		pos, err := res.LastInsertId()
		if err != nil {
			return err
		}
		e.Position = uint64(pos)
	}
	return nil
}
