package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// specDoc is a declared spec as stored in the specs collection, as JSON.
type specDoc struct {
	ID   string `bson:"_id"`
	Spec string `bson:"spec"`
}

// loadSpecs reads every declared spec.
func (s *Store) loadSpecs(ctx context.Context) error {
	cur, err := s.specs.Find(ctx, bson.D{})
	if err != nil {
		return err
	}
	var docs []specDoc
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range docs {
		var spec application.CollectionSpec
		if err := json.Unmarshal([]byte(d.Spec), &spec); err != nil {
			return fmt.Errorf("mongodb: the declaration of %s: %w", d.ID, err)
		}
		s.declared[d.ID] = spec
	}
	return nil
}

// Declare merges spec into the collection's declaration (query.Merge),
// creates its indexes and, when it adds fields, extracts them from the
// documents already stored.
func (s *Store) Declare(ctx context.Context, spec application.CollectionSpec) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	s.mu.RLock()
	prev, existed := s.declared[spec.Name]
	s.mu.RUnlock()
	merged, err := query.Merge(prev, spec)
	if err != nil {
		return err
	}
	if err := s.createIndexes(ctx, merged); err != nil {
		return err
	}
	if existed && len(merged.Fields) > len(prev.Fields) {
		if err := s.rekey(ctx, merged); err != nil {
			return err
		}
	}
	text, err := json.Marshal(merged)
	if err != nil {
		return err
	}
	if _, err := s.specs.ReplaceOne(ctx, bson.D{{Key: "_id", Value: merged.Name}},
		specDoc{ID: merged.Name, Spec: string(text)}, options.Replace().SetUpsert(true)); err != nil {
		return err
	}
	s.mu.Lock()
	s.declared[merged.Name] = merged
	s.mu.Unlock()
	return nil
}

// createIndexes builds the declared indexes over key that are missing,
// each ending with the id in the direction of its last column, as queries
// order; and creates the collection, which an index does. Existing
// indexes are listed and left alone, one creation a request: FerretDB
// fails on a request naming several that exist.
func (s *Store) createIndexes(ctx context.Context, spec application.CollectionSpec) error {
	type index struct {
		name string
		keys bson.D
	}
	indexes := []index{{"gone", bson.D{{Key: "gone", Value: 1}}}}
	for _, ix := range spec.Indexes {
		keys, desc, name := bson.D{}, false, "key"
		for _, entry := range ix {
			field, d := query.IndexField(entry)
			keys = append(keys, bson.E{Key: keyPath(field), Value: direction(d)})
			desc, name = d, name+"_"+entry
		}
		indexes = append(indexes, index{name, append(keys, bson.E{Key: "_id", Value: direction(desc)})})
	}
	view := s.coll(spec.Name).Indexes()
	existing, err := view.ListSpecifications(ctx)
	if err != nil {
		return err
	}
	for _, ix := range indexes {
		if slices.ContainsFunc(existing, func(e mongo.IndexSpecification) bool { return e.Name == ix.name }) {
			continue
		}
		if _, err := view.CreateOne(ctx, mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetName(ix.name)}); err != nil {
			return err
		}
	}
	return nil
}

// rekey recomputes the key of every stored document under spec, for
// fields declared after the documents were written.
func (s *Store) rekey(ctx context.Context, spec application.CollectionSpec) error {
	c := s.coll(spec.Name)
	cur, err := c.Find(ctx, bson.D{live}, options.Find().SetProjection(bson.D{{Key: "doc", Value: 1}}))
	if err != nil {
		return err
	}
	defer func() { _ = cur.Close(ctx) }()
	var models []mongo.WriteModel
	for cur.Next(ctx) {
		raw, err := docJSON(cur.Current)
		if err != nil {
			return err
		}
		fields, err := query.DecodeObject(raw)
		if err != nil {
			return err
		}
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: cur.Current.Lookup("_id")}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "key", Value: keys(spec, fields)}}}}))
	}
	if err := cur.Err(); err != nil || len(models) == 0 {
		return err
	}
	return s.bulkWrite(ctx, c, models)
}

// Drop drops the MongoDB collections of the named collections, with their
// indexes, and their declarations. Undeclared collections are dropped
// too, in case a crash left one behind its declaration.
func (s *Store) Drop(ctx context.Context, collections []string) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	defer s.forgetSeen(collections)
	for _, name := range collections {
		if !query.ValidCollection(name) {
			continue // never declared: its name is no collection's
		}
		if err := s.coll(name).Drop(ctx); err != nil {
			return err
		}
		if _, err := s.specs.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}}); err != nil {
			return err
		}
		s.mu.Lock()
		delete(s.declared, name)
		s.mu.Unlock()
	}
	return nil
}
