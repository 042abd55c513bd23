package sqlite

import (
	"context"
	"database/sql"
	"errors"
)

// writeStmts are the writer's statements, prepared once on its connection:
// the driver keeps a prepared statement's SQLite handle, so none of them is
// parsed again per append.
type writeStmts struct {
	begin, commit, rollback        *sql.Stmt
	savepoint, release, rollbackTo *sql.Stmt
	head, insert, checkpoint       *sql.Stmt
}

func (w *writeStmts) prepare(ctx context.Context, conn *sql.Conn) error {
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&w.begin, "BEGIN IMMEDIATE"},
		{&w.commit, "COMMIT"},
		{&w.rollback, "ROLLBACK"},
		{&w.savepoint, "SAVEPOINT append"},
		{&w.release, "RELEASE append"},
		{&w.rollbackTo, "ROLLBACK TO append"},
		{&w.head, `SELECT version, hash FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1`},
		{&w.insert, insertSQL},
		{&w.checkpoint, saveCheckpointSQL},
	} {
		var err error
		if *p.stmt, err = conn.PrepareContext(ctx, p.sql); err != nil {
			return err
		}
	}
	return nil
}

func (w *writeStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{w.begin, w.commit, w.rollback, w.savepoint, w.release, w.rollbackTo, w.head, w.insert, w.checkpoint} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}
