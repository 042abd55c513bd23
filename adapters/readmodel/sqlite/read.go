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
	// stmts prepares the page statements on the read pool; nil inside
	// Apply, whose statements run once on its transaction.
	stmts *stmtCache
}

func (s *Store) reader() reader {
	return reader{s: s, q: s.read, get: func(_ context.Context, c *collection) *sql.Stmt { return c.readGet }, stmts: s.stmts}
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
	on, done, err := r.snapshot(ctx, len(stmts) > 1)
	if err != nil {
		return application.Page{}, err
	}
	defer done()
	// Row layout: id, doc, then the sort values, which the cursor needs.
	var id string
	var doc []byte
	keys := make([]any, len(p.Sort))
	dest := []any{&id, &doc}
	for i := range keys {
		dest = append(dest, &keys[i])
	}
	page := application.Page{Items: make([]json.RawMessage, 0, min(p.Limit, 64))}
	for _, st := range stmts {
		// Each statement asks for one row more than the page still needs:
		// if that row exists there is a next page, and keys and id still
		// hold the values of the page's last row, which was scanned last.
		more, err := r.scanInto(ctx, on, st, p.Limit+1-len(page.Items), dest, func() {
			page.Items = append(page.Items, doc)
		}, func() bool { return len(page.Items) == p.Limit })
		if err != nil {
			return application.Page{}, err
		}
		if more {
			for i, k := range p.Sort {
				keys[i] = fromSQL(k.Field.Type, keys[i])
			}
			page.Next = p.Next(keys, id)
			break
		}
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
