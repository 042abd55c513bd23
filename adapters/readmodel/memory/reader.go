package memory

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// view is the set of documents reads run against: the committed state, or
// a batch's uncommitted writes laid over it. Callers hold Store.mu shared.
type view interface {
	// lookup returns the document under id, nil if there is none.
	lookup(collection, id string) *document
	// each calls fn for every document of collection, in no order.
	each(collection string, fn func(id string, d *document))
}

// committed is the view of the store's committed documents.
type committed struct{ s *Store }

func (c committed) lookup(collection, id string) *document { return c.s.docs[collection][id] }

func (c committed) each(collection string, fn func(string, *document)) {
	for id, d := range c.s.docs[collection] {
		fn(id, d)
	}
}

// reader implements application.ReadModelReader over a view.
type reader struct {
	s *Store
	v view
}

func (r reader) Get(_ context.Context, collection, id string) (json.RawMessage, error) {
	r.s.mu.RLock()
	defer r.s.mu.RUnlock()
	if _, ok := r.s.specs[collection]; !ok {
		return nil, query.UnknownCollection(collection)
	}
	d := r.v.lookup(collection, id)
	if d == nil {
		return nil, query.DocNotFound(collection, id)
	}
	return bytes.Clone(d.raw), nil
}

func (r reader) Count(_ context.Context, collection string, filters []application.Filter) (int64, error) {
	r.s.mu.RLock()
	defer r.s.mu.RUnlock()
	spec, ok := r.s.specs[collection]
	if !ok {
		return 0, query.UnknownCollection(collection)
	}
	conds, err := query.Conds(spec, filters)
	if err != nil {
		return 0, err
	}
	var n int64
	r.v.each(collection, func(_ string, d *document) {
		if query.Matches(d.fields, conds) {
			n++
		}
	})
	return n, nil
}

func (r reader) Find(_ context.Context, collection string, q application.Query) (application.Page, error) {
	r.s.mu.RLock()
	defer r.s.mu.RUnlock()
	spec, ok := r.s.specs[collection]
	if !ok {
		return application.Page{}, query.UnknownCollection(collection)
	}
	p, err := query.Compile(spec, q)
	if err != nil {
		return application.Page{}, err
	}
	type row struct {
		id   string
		d    *document
		keys []any
	}
	var rows []row
	r.v.each(collection, func(id string, d *document) {
		if !query.Matches(d.fields, p.Conds) {
			return
		}
		keys := make([]any, len(p.Sort))
		for i, k := range p.Sort {
			keys[i] = query.Extract(d.fields, k.Field)
		}
		if p.After != nil && query.CompareRows(p.Sort, keys, id, p.After.Values, p.After.ID) <= 0 {
			return
		}
		rows = append(rows, row{id, d, keys})
	})
	slices.SortFunc(rows, func(a, b row) int { return query.CompareRows(p.Sort, a.keys, a.id, b.keys, b.id) })
	page := application.Page{Items: make([]json.RawMessage, 0, min(len(rows), p.Limit))}
	for _, r := range rows[:min(len(rows), p.Limit)] {
		page.Items = append(page.Items, bytes.Clone(r.d.raw))
	}
	if len(rows) > p.Limit {
		last := rows[p.Limit-1]
		page.Next = p.Next(last.keys, last.id)
	}
	return page, nil
}
