package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/webos-engine/webos/domain"
)

// insertArgs are the parameters of insertSQL for chained events: the
// stream, the count, then one array per column.
func insertArgs(stream string, events []domain.Envelope) ([]any, error) {
	n := len(events)
	versions, schemas := make([]int64, n), make([]int32, n)
	var text [10][]string // id, type, recorded_at, actor, tenant, correlation, causation, data, prev_hash, hash
	for i := range text {
		text[i] = make([]string, n)
	}
	traces := make([]*string, n)
	for i := range events {
		e := &events[i]
		versions[i], schemas[i] = int64(e.StreamVersion), int32(e.SchemaVersion)
		if e.SchemaVersion != int(schemas[i]) {
			return nil, domain.Invalid(fmt.Sprintf("event %s: schema version %d is out of range", e.ID, e.SchemaVersion))
		}
		for j, v := range [...]string{e.ID, e.Type, e.RecordedAt.UTC().Format(time.RFC3339Nano), e.Actor, e.Tenant,
			e.CorrelationID, e.CausationID, string(e.Data), e.PrevHash, e.Hash} {
			text[j][i] = v
		}
		// nil and empty hash apart under the legacy scheme: NULL keeps nil.
		if e.TraceContext != nil {
			b, err := json.Marshal(e.TraceContext)
			if err != nil {
				return nil, err
			}
			t := string(b)
			traces[i] = &t
		}
	}
	return []any{stream, int32(n), versions, text[0], text[1], schemas, text[2], text[3], text[4],
		text[5], text[6], traces, text[7], text[8], text[9]}, nil
}

// columns are the columns every read selects, in the order scanEvents
// scans them.
const columns = `position, version, schema_version, stream_id, id, type, recorded_at, actor, tenant,
	correlation_id, causation_id, trace_context::text, data, prev_hash, hash`

// scanEvents reads every row of rows, closing it.
func scanEvents(rows pgx.Rows, limit int) ([]domain.Envelope, error) {
	defer rows.Close()
	out := make([]domain.Envelope, 0, min(max(limit, 0), 1024))
	for rows.Next() {
		var e domain.Envelope
		var position, version int64
		var schema int32
		var recorded, data string
		var trace *string
		if err := rows.Scan(&position, &version, &schema, &e.StreamID, &e.ID, &e.Type, &recorded, &e.Actor, &e.Tenant,
			&e.CorrelationID, &e.CausationID, &trace, &data, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.Position, e.StreamVersion, e.SchemaVersion, e.Data = uint64(position), uint64(version), int(schema), []byte(data)
		var err error
		if e.RecordedAt, err = time.Parse(time.RFC3339Nano, recorded); err != nil {
			return nil, fmt.Errorf("event %s: recorded_at: %w", e.ID, err)
		}
		if trace != nil {
			if err := json.Unmarshal([]byte(*trace), &e.TraceContext); err != nil {
				return nil, fmt.Errorf("event %s: trace_context: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
