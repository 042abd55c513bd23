package sqlite

import (
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webos-engine/webos/domain"
)

// rowFields are the columns every read returns, in the order fill expects.
// A NULL trace context reads as "": traceJSON never stores an empty string.
var rowFields = [...]string{
	"position", "version", "schema_version", "stream_id", "id", "type", "recorded_at",
	"actor", "tenant", "correlation_id", "causation_id", "ifnull(trace_context, '')",
	"data", "prev_hash", "hash",
}

// columns selects a whole row as one text, its fields separated by NUL.
// Fetching fifteen columns one by one cost the driver several calls, a
// declared-type lookup and two allocations per column, which dominated
// reading long streams; one text per row is cut apart in Go into
// substrings of a single allocation. concat_ws builds it in one pass,
// where chained || copies the growing text once per field. NUL cannot
// occur inside a field: append rejects it in every string field (see
// esinput.Validate), JSON data cannot hold a raw NUL, and the other fields
// are written by the store itself.
var columns = "concat_ws(char(0), " + strings.Join(rowFields[:], ", ") + ")"

// chunk is how many envelopes scanEnvelopes gathers before starting a new
// slice. Rows are gathered in chunks and joined once at the end, because
// growing one slice of these large structs by doubling took a quarter of
// the time of reading a long stream.
const chunk = 1024

// scanEnvelopes reads every row of rows, closing it. limit sizes the first
// chunk, so a page read allocates once, when its first row arrives: the
// empty reads of caught-up subscriptions, several a second each while the
// server idles, allocate nothing (a page's worth each was most of an idle
// server's garbage).
func scanEnvelopes(rows *sql.Rows, limit int) ([]domain.Envelope, error) {
	defer rows.Close()
	var full [][]domain.Envelope
	var out []domain.Envelope
	var row string
	for rows.Next() {
		if err := rows.Scan(&row); err != nil {
			return nil, err
		}
		switch {
		case out == nil:
			out = make([]domain.Envelope, 0, min(max(limit, 1), chunk))
		case len(out) == cap(out):
			full, out = append(full, out), make([]domain.Envelope, 0, chunk)
		}
		out = append(out, domain.Envelope{})
		if err := fill(&out[len(out)-1], row); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil || full == nil {
		return out, err
	}
	return slices.Concat(append(full, out)...), nil
}

// fill sets e from one row as selected by columns.
func fill(e *domain.Envelope, row string) error {
	var f [len(rowFields)]string
	for i := range f {
		end := strings.IndexByte(row, 0)
		if (end < 0) != (i == len(f)-1) {
			return fmt.Errorf("event store: a row does not have %d fields", len(f))
		}
		if end < 0 {
			end = len(row)
		}
		f[i] = row[:end]
		row = row[min(end+1, len(row)):]
	}
	var ints [3]uint64
	for i := range ints {
		n, err := strconv.ParseUint(f[i], 10, 64)
		if err != nil {
			return fmt.Errorf("event store: %s of event %q: %w", rowFields[i], f[4], err)
		}
		ints[i] = n
	}
	e.Position, e.StreamVersion, e.SchemaVersion = ints[0], ints[1], int(ints[2])
	e.StreamID, e.ID, e.Type = f[3], f[4], f[5]
	e.Actor, e.Tenant, e.CorrelationID, e.CausationID = f[7], f[8], f[9], f[10]
	e.Data, e.PrevHash, e.Hash = []byte(f[12]), f[13], f[14]
	var err error
	if e.RecordedAt, err = time.Parse(time.RFC3339Nano, f[6]); err != nil {
		return fmt.Errorf("event %s: recorded_at: %w", e.ID, err)
	}
	if f[11] != "" {
		if e.TraceContext, err = parseTrace(f[11]); err != nil {
			return fmt.Errorf("event %s: trace_context: %w", e.ID, err)
		}
	}
	return nil
}
