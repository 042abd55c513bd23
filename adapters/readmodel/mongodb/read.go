package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// spec returns the declared spec of collection.
func (s *Store) spec(collection string) (application.CollectionSpec, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	spec, ok := s.declared[collection]
	if !ok {
		return spec, query.UnknownCollection(collection)
	}
	return spec, nil
}

// Get returns the committed document under id.
func (s *Store) Get(ctx context.Context, collection, id string) (json.RawMessage, error) {
	if _, err := s.spec(collection); err != nil {
		return nil, err
	}
	raw, err := s.coll(collection).FindOne(ctx, bson.D{{Key: "_id", Value: id}, live},
		options.FindOne().SetProjection(bson.D{{Key: "doc", Value: 1}})).Raw()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, query.DocNotFound(collection, id)
	}
	if err != nil {
		return nil, err
	}
	return docJSON(raw)
}

// docJSON renders the doc member of a stored wrapper.
func docJSON(wrapper bson.Raw) (json.RawMessage, error) {
	doc, ok := wrapper.Lookup("doc").DocumentOK()
	if !ok {
		return nil, errors.New("mongodb: a stored document has no doc member")
	}
	return toJSON(doc)
}

// Find runs q over the committed documents.
func (s *Store) Find(ctx context.Context, collection string, q application.Query) (application.Page, error) {
	return s.find(ctx, collection, q, nil)
}

// Count counts the committed documents matching filters.
func (s *Store) Count(ctx context.Context, collection string, filters []application.Filter) (int64, error) {
	return s.count(ctx, collection, filters, nil)
}

// row is one document of a page, with its sort values for the cursor.
type row struct {
	id   string
	keys []any
	raw  json.RawMessage
}

// find runs q over the stored documents, with pending (a batch's buffered
// writes of the collection, by id) laid over them.
func (s *Store) find(ctx context.Context, collection string, q application.Query, pending map[string]*entry) (application.Page, error) {
	spec, err := s.spec(collection)
	if err != nil {
		return application.Page{}, err
	}
	p, err := query.Compile(spec, q)
	if err != nil {
		return application.Page{}, err
	}
	rows, err := s.stored(ctx, collection, p, pendingIDs(pending))
	if err != nil {
		return application.Page{}, err
	}
	for id, e := range pending {
		if e.deleted || !query.Matches(e.fields, p.Conds) {
			continue
		}
		r := row{id: id, keys: make([]any, len(p.Sort)), raw: e.raw}
		for i, k := range p.Sort {
			r.keys[i] = query.Extract(e.fields, k.Field)
		}
		if p.After == nil || query.CompareRows(p.Sort, r.keys, id, p.After.Values, p.After.ID) > 0 {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return query.CompareRows(p.Sort, a.keys, a.id, b.keys, b.id) })
	page := application.Page{Items: make([]json.RawMessage, 0, min(len(rows), p.Limit))}
	for _, r := range rows[:min(len(rows), p.Limit)] {
		page.Items = append(page.Items, r.raw)
	}
	if len(rows) > p.Limit {
		last := rows[p.Limit-1]
		page.Next = p.Next(last.keys, last.id)
	}
	return page, nil
}

// stored reads one page (and one row more) of the plan from the server,
// leaving out the documents under exclude.
func (s *Store) stored(ctx context.Context, collection string, p query.Plan, exclude []string) ([]row, error) {
	cur, err := s.coll(collection).Find(ctx, filter(p.Conds, p.Sort, p.After, exclude),
		options.Find().SetSort(order(p.Sort)).SetLimit(int64(p.Limit)+1).
			SetProjection(bson.D{{Key: "doc", Value: 1}, {Key: "key", Value: 1}}))
	if err != nil {
		return nil, err
	}
	defer func() { _ = cur.Close(ctx) }()
	var rows []row
	for cur.Next(ctx) {
		raw, err := docJSON(cur.Current)
		if err != nil {
			return nil, err
		}
		r := row{id: cur.Current.Lookup("_id").StringValue(), keys: make([]any, len(p.Sort)), raw: raw}
		key, _ := cur.Current.Lookup("key").DocumentOK()
		for i, k := range p.Sort {
			if key != nil {
				r.keys[i] = keyValue(key.Lookup(keyName(k.Field.Name)))
			}
		}
		rows = append(rows, r)
	}
	return rows, cur.Err()
}

// count counts the documents matching filters, with pending laid over
// the stored ones.
func (s *Store) count(ctx context.Context, collection string, filters []application.Filter, pending map[string]*entry) (int64, error) {
	spec, err := s.spec(collection)
	if err != nil {
		return 0, err
	}
	conds, err := query.Conds(spec, filters)
	if err != nil {
		return 0, err
	}
	n, err := s.coll(collection).CountDocuments(ctx, filter(conds, nil, nil, pendingIDs(pending)))
	if err != nil {
		return 0, err
	}
	for _, e := range pending {
		if !e.deleted && query.Matches(e.fields, conds) {
			n++
		}
	}
	return n, nil
}

func pendingIDs(pending map[string]*entry) []string {
	ids := make([]string, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	return ids
}
