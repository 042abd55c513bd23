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
func (s *Store) Apply(ctx context.Context, projection string, at application.Checkpoint, fn func(application.ReadModelTx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	// Rolls back if fn fails or panics; a no-op once committed. Without it a
	// panic would keep the only write connection forever.
	defer tx.Rollback()
	t := &txn{tx: tx, bound: map[*sql.Stmt]*sql.Stmt{}}
	t.reader = reader{s: s, q: tx, quiet: true,
		get: func(ctx context.Context, c *collection) *sql.Stmt { return t.bind(ctx, c.get) }}
	if err := fn(t); err != nil {
		return err
	}
	if err := t.exec(ctx, s.cp.put, nil, projection, int64(at.Position), at.StoreID, at.Hash); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.wrote(ctx, t.writes)
	return nil
}

// optimizeEvery is how many writes go between two runs of PRAGMA
// optimize, which keeps the planner's statistics (sqlite_stat1) in step
// with the collections as they grow. Without statistics SQLite takes
// every index equality for selective: a view query filtered by tenant and
// by a record-level rule ("owner in (...)") then walks the tenant's index
// in id order instead of seeking the rule's index, 50-1000x slower on
// 100,000 documents (docs/benchmarks.md, BenchmarkTenantRule).
const optimizeEvery = 10_000

// statsLimit is the analysis_limit of the write connection, the one that
// runs PRAGMA optimize: ANALYZE reads at most about this many entries of
// an index and estimates the rest (only the distinct values of its first
// column are still all counted). Any limit also makes it leave out
// sqlite_stat4, the samples of values that SQLite consults with the
// values bound to a statement: a statement planned with them is prepared
// again each time its parameters are bound, which doubled the parsing and
// planning of every view query (docs/benchmarks.md, BenchmarkTenantRule).
// sqlite_stat1, the average rows per value, is what steers the plans the
// store relies on (see optimizeEvery).
const statsLimit = 1_000_000

// wrote counts n writes of a committed Apply and, every optimizeEvery,
// lets SQLite analyse the tables never analysed or whose size changed
// much since (PRAGMA optimize does nothing for the others), so the cost
// stays a small share of the writes as the collections grow.
func (s *Store) wrote(ctx context.Context, n int) {
	if s.sinceOptimize.Add(int64(n)) < optimizeEvery {
		return
	}
	s.sinceOptimize.Store(0)
	// Statistics only steer the planner: a failure costs speed, not data.
	_, _ = s.write.ExecContext(context.WithoutCancel(ctx), "PRAGMA optimize=0x10002")
}

// quiet checks ctx and returns it without its cancellation, for one
// single-row statement on a connection already held. The driver starts a
// goroutine per statement to interrupt it if a cancellable context ends,
// which costs more than such a statement's own work. A batch still stops
// at its next statement once ctx ends, and database/sql rolls the
// transaction back then.
func quiet(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// txn is the application.ReadModelTx of one Apply.
type txn struct {
	reader
	tx *sql.Tx
	// bound caches the transaction's handles on the prepared statements:
	// sql.Tx.StmtContext allocates a new one on every call.
	bound map[*sql.Stmt]*sql.Stmt
	// writes counts the statements run (Store.wrote).
	writes int
}

// exec runs a single-row statement of the batch, storing the number of
// rows it changed in n unless n is nil.
func (t *txn) exec(ctx context.Context, st *sql.Stmt, n *int64, args ...any) error {
	qctx, err := quiet(ctx)
	if err != nil {
		return err
	}
	res, err := t.bind(ctx, st).ExecContext(qctx, args...)
	t.writes++
	if err == nil && n != nil {
		*n, err = res.RowsAffected()
	}
	return err
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
	return t.exec(ctx, c.upsert, nil, id, string(raw))
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
	var n int64
	err = t.exec(ctx, c.patch, &n, string(patch), id)
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
	return t.exec(ctx, c.del, nil, id)
}

// target validates the collection and id of a write.
func (t *txn) target(collection, id string) (*collection, error) {
	c, err := t.s.collection(collection)
	if err != nil {
		return nil, err
	}
	return c, query.CheckID(id)
}

// At returns the batch itself: one transaction holds its documents and its
// checkpoint, so no write needs a position to be applied again safely.
func (t *txn) At(uint64) application.ReadModelTx { return t }

// Seen is always 0: the store records no positions.
func (t *txn) Seen(context.Context, string, string) (uint64, error) { return 0, nil }
