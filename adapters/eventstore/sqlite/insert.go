package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/webos-engine/webos/domain"
)

// writeStmts are prepared once on the writer's connection.
type writeStmts struct {
	head, insert *sql.Stmt
}

func (w *writeStmts) prepare(ctx context.Context, conn *sql.Conn) error {
	var err error
	w.head, err = conn.PrepareContext(ctx, `SELECT version, hash FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1`)
	if err != nil {
		return err
	}
	w.insert, err = conn.PrepareContext(ctx, `INSERT INTO events (stream_id, version, id, type,
		schema_version, recorded_at, actor, tenant, correlation_id, causation_id, trace_context,
		data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	return err
}

func (w *writeStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{w.head, w.insert} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// insertEnvelope stores one chained envelope and returns its position.
// Data goes in as the exact bytes given, as TEXT.
func (w *writeStmts) insertEnvelope(ctx context.Context, e *domain.Envelope) (uint64, error) {
	trace, err := traceJSON(e.TraceContext)
	if err != nil {
		return 0, err
	}
	res, err := w.insert.ExecContext(ctx, e.StreamID, int64(e.StreamVersion), e.ID, e.Type,
		int64(e.SchemaVersion), e.RecordedAt.UTC().Format(time.RFC3339Nano), e.Actor, e.Tenant,
		e.CorrelationID, e.CausationID, trace, string(e.Data), e.PrevHash, e.Hash)
	if err != nil {
		return 0, err
	}
	pos, err := res.LastInsertId()
	return uint64(pos), err
}
