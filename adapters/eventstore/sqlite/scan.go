package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/webos-engine/webos/domain"
)

// columns is the select list every read uses, in scanEnvelope's order.
const columns = `position, stream_id, version, id, type, schema_version, recorded_at,
	actor, tenant, correlation_id, causation_id, trace_context, data, prev_hash, hash`

// scanEnvelopes reads every row of rows, closing it. limit only sizes the
// first allocation, capped so that a huge limit over few rows costs nothing.
func scanEnvelopes(rows *sql.Rows, limit int) ([]domain.Envelope, error) {
	defer rows.Close()
	out := make([]domain.Envelope, 0, min(max(limit, 0), 1024))
	for rows.Next() {
		var (
			e                           domain.Envelope
			pos, version, schemaVersion int64
			at                          string
			trace                       sql.NullString
			data                        []byte
		)
		err := rows.Scan(&pos, &e.StreamID, &version, &e.ID, &e.Type, &schemaVersion, &at,
			&e.Actor, &e.Tenant, &e.CorrelationID, &e.CausationID, &trace, &data, &e.PrevHash, &e.Hash)
		if err != nil {
			return nil, err
		}
		e.Position, e.StreamVersion, e.SchemaVersion, e.Data = uint64(pos), uint64(version), int(schemaVersion), data
		if e.RecordedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("event %s: recorded_at: %w", e.ID, err)
		}
		if trace.Valid {
			if err := json.Unmarshal([]byte(trace.String), &e.TraceContext); err != nil {
				return nil, fmt.Errorf("event %s: trace_context: %w", e.ID, err)
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// traceJSON is the stored form of a trace context: NULL for nil, so that a
// nil map and an empty one (which hash differently) both read back as given.
func traceJSON(tc map[string]string) (any, error) {
	if tc == nil {
		return nil, nil
	}
	b, err := json.Marshal(tc)
	return string(b), err
}
