package mongodb

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Without transactions a batch skips each write of an event its document
// has already seen (application.EventTx). The documents the batch read
// are checked as they are read; the others, written blind, are checked by
// dropSeen in one query per collection. That query is needed only for a
// write whose event some document of the collection may have seen: one
// at or below the highest position the collection holds for the
// projection. The store keeps an upper bound of that position per
// projection and collection, asked of the server on the first batch that
// needs it and raised before every write, so in the steady state (every
// event new to the collection) a batch sends no query at all. Past a
// crash the bound covers what the crashed batch wrote, and the writes of
// the batch applied again are checked until they pass it.
//
// The bound holds while this store is the only one writing the
// projection's positions, which the guard itself already assumes (it
// reads, then writes).

// seenKey names the positions of a projection in one collection.
type seenKey struct{ projection, collection string }

// dropSeen drops the buffered writes of documents the batch has not read
// (blind writes) that have seen the event of their last write: one query
// per collection for the positions of those that may have.
func (b *batch) dropSeen(ctx context.Context) error {
	unread := map[string][]string{}
	for _, k := range b.order {
		w := b.writes[k.collection][k.id]
		if _, read := b.stored[k]; read || w.at == 0 {
			continue
		}
		highest, err := b.s.highestSeen(ctx, b.projection, k.collection)
		if err != nil {
			return err
		}
		if w.at <= highest {
			unread[k.collection] = append(unread[k.collection], k.id)
		}
	}
	for collection, ids := range unread {
		cur, err := b.s.coll(collection).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			options.Find().SetProjection(bson.D{{Key: atPath(b.projection), Value: 1}}))
		if err != nil {
			return err
		}
		for cur.Next(ctx) {
			id := cur.Current.Lookup("_id").StringValue()
			if w := b.writes[collection][id]; w != nil && seenIn(cur.Current, b.projection) >= w.at {
				delete(b.writes[collection], id)
			}
		}
		if err := cur.Err(); err != nil {
			return err
		}
		_ = cur.Close(ctx)
	}
	return nil
}

// raiseHighest raises the known bounds to the positions the batch is about
// to write, before it writes any: a write that fails part way may have
// stored some.
func (b *batch) raiseHighest() {
	for _, k := range b.order {
		w, ok := b.writes[k.collection][k.id]
		if !ok {
			continue
		}
		sk := seenKey{b.projection, k.collection}
		if h, known := b.s.seenBound[sk]; known && w.at > h {
			b.s.seenBound[sk] = w.at
		}
	}
}

// highestSeen returns an upper bound of the positions of projection the
// documents of collection hold, asking the server the first time.
func (s *Store) highestSeen(ctx context.Context, projection, collection string) (uint64, error) {
	k := seenKey{projection, collection}
	if h, ok := s.seenBound[k]; ok {
		return h, nil
	}
	h, err := s.queryHighest(ctx, projection, collection)
	if err != nil {
		return 0, err
	}
	s.seenBound[k] = h
	return h, nil
}

// queryHighest asks for the highest position of projection the documents
// of collection hold. Positions are stored as the int64s with the same
// bits, so one above math.MaxInt64 is negative: the highest of those, if
// any, is the highest of all.
func (s *Store) queryHighest(ctx context.Context, projection, collection string) (uint64, error) {
	path := atPath(projection)
	opts := options.FindOne().SetSort(bson.D{{Key: path, Value: -1}}).SetProjection(bson.D{{Key: path, Value: 1}})
	wrapped := bson.D{{Key: path, Value: bson.D{{Key: "$lt", Value: int64(0)}}}}
	for _, f := range []bson.D{wrapped, {}} {
		raw, err := s.coll(collection).FindOne(ctx, f, opts).Raw()
		switch {
		case errors.Is(err, mongo.ErrNoDocuments):
			continue
		case err != nil:
			return 0, err
		}
		return seenIn(raw, projection), nil
	}
	return 0, nil
}

// forgetSeen drops the bounds of collections whose documents were
// deleted or dropped, so the next batch asks the server again instead of
// checking its writes against positions no document holds any more.
func (s *Store) forgetSeen(collections []string) {
	for k := range s.seenBound {
		if slices.Contains(collections, k.collection) {
			delete(s.seenBound, k)
		}
	}
}
