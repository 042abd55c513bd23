package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// querier is what reads run on: the read pool, or the transaction of an
// Apply so that its reads see its own writes.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reader implements application.ReadModelReader on a querier.
type reader struct {
	s *Store
	q querier
	// quiet is set inside Apply, where Get runs on the batch's connection
	// and can drop ctx's cancellation (see quiet).
	quiet bool
	// get returns the prepared Get statement usable on q.
	get func(context.Context, *collection) *sql.Stmt
	// stmts is the generation of the page statements prepared on the
	// read pool; nil inside Apply, whose statements run once on its
	// transaction.
	stmts *stmtGen
}

func (s *Store) reader() reader {
	return reader{s: s, q: s.read, get: func(_ context.Context, c *collection) *sql.Stmt { return c.readGet }, stmts: &s.stmts}
}

func (r reader) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	c, err := r.s.collection(collection)
	if err != nil {
		return nil, err
	}
	st, qctx := r.get(ctx, c), ctx
	if r.quiet {
		if qctx, err = quiet(ctx); err != nil {
			return nil, err
		}
	}
	var doc []byte
	err = st.QueryRowContext(qctx, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, query.DocNotFound(collection, id)
	}
	return doc, err
}

func (r reader) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	c, err := r.s.collection(collection)
	if err != nil {
		return 0, err
	}
	conds, err := query.Conds(c.spec, filters)
	if err != nil {
		return 0, err
	}
	text, args := countSQL(c, conds)
	var n int64
	err = r.q.QueryRowContext(ctx, text, args...).Scan(&n)
	return n, err
}

func (r reader) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	c, err := r.s.collection(collection)
	if err != nil {
		return application.Page{}, err
	}
	p, err := query.Compile(c.spec, q)
	if err != nil {
		return application.Page{}, err
	}
	stmts := pageSQL(c, p)
	var page application.Page
	read := func(on runner) (err error) {
		if stmts == nil { // read again in a transaction (see onPool)
			stmts = pageSQL(c, p)
		}
		page, err = readPage(ctx, on, p, stmts)
		stmts = nil // their texts end with this run's LIMIT
		return err
	}
	if r.stmts == nil {
		err = read(txRunner{r.q})
	} else {
		err = r.onPool(ctx, len(stmts) > 1, read)
	}
	if err != nil {
		return application.Page{}, err
	}
	return page, nil
}

// fromSQL normalises a value of fieldExpr as read back from SQLite to the
// Go type query uses for the field.
func fromSQL(t application.FieldType, v any) any {
	switch x := v.(type) {
	case int64:
		if t == application.Bool {
			return x != 0
		}
		return x // an integer keeps every digit, as query.Normalize does
	case float64, string:
		return x
	case []byte:
		return string(x)
	}
	return nil
}
