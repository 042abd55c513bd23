package sqlite

import (
	"context"
	"database/sql"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// Apply runs fn and stores the checkpoint in one transaction on the write
// connection: the documents and the checkpoint commit together or not at
// all, and reads through the batch see its own writes. fn must use only tx
// for writes and must not call Apply, Reset or Declare, which wait for the
// one write connection this batch holds.
func (s *Store) Apply(ctx context.Context, projection string, position uint64, fn func(application.ReadModelTx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// Rolls back if fn fails or panics; a no-op once committed. Without it a
	// panic would keep the only write connection forever.
	defer tx.Rollback()
	t := &txn{tx: tx, bound: map[*sql.Stmt]*sql.Stmt{}}
	t.reader = reader{s: s, q: tx, get: func(ctx context.Context, c *collection) *sql.Stmt { return t.bind(ctx, c.get) }}
	if err := fn(t); err != nil {
		return err
	}
	if _, err := t.bind(ctx, s.cp.put).ExecContext(ctx, projection, int64(position)); err != nil {
		return err
	}
	return tx.Commit()
}

// txn is the application.ReadModelTx of one Apply.
type txn struct {
	reader
	tx *sql.Tx
	// bound caches the transaction's handles on the prepared statements:
	// sql.Tx.StmtContext allocates a new one on every call.
	bound map[*sql.Stmt]*sql.Stmt
}

func (t *txn) bind(ctx context.Context, st *sql.Stmt) *sql.Stmt {
	b, ok := t.bound[st]
	if !ok {
		b = t.tx.StmtContext(ctx, st)
		t.bound[st] = b
	}
	return b
}

func (t *txn) Upsert(ctx context.Context, collection, id string, doc any) error {
	c, err := t.target(collection, id)
	if err != nil {
		return err
	}
	raw, err := query.CheckDoc(doc)
	if err != nil {
		return err
	}
	// As a string, not []byte: the upsert's jsonb() parses text as JSON but
	// would take a BLOB to be JSONB already.
	_, err = t.bind(ctx, c.upsert).ExecContext(ctx, id, string(raw))
	return err
}

func (t *txn) Patch(ctx context.Context, collection, id string, fields map[string]any) error {
	c, err := t.target(collection, id)
	if err != nil {
		return err
	}
	patch, err := query.MarshalPatch(fields)
	if err != nil {
		return err
	}
	res, err := t.bind(ctx, c.patch).ExecContext(ctx, string(patch), id)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = query.DocNotFound(collection, id)
	}
	return err
}

func (t *txn) Delete(ctx context.Context, collection, id string) error {
	c, err := t.target(collection, id)
	if err != nil {
		return err
	}
	_, err = t.bind(ctx, c.del).ExecContext(ctx, id)
	return err
}

// target validates the collection and id of a write.
func (t *txn) target(collection, id string) (*collection, error) {
	c, err := t.s.collection(collection)
	if err != nil {
		return nil, err
	}
	return c, query.CheckID(id)
}
