package mongodb

import (
	"context"
	"math"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/webos-engine/webos/application"
)

// afterDocuments, when set by a test, runs between the documents' bulk
// writes and the checkpoint's write: the crash test kills the process
// there.
var afterDocuments func()

// commit writes the buffered documents, one bulk write per collection,
// then the checkpoint: in one transaction where the server has them.
// Without, a crash between the two leaves documents ahead of the
// checkpoint, which is safe because every document records the position
// of the last event applied to it (see application.EventTx).
func (b *batch) commit(ctx context.Context, at application.Checkpoint) error {
	if !b.s.txn {
		if err := b.dropSeen(ctx); err != nil {
			return err
		}
		if err := b.writeDocuments(ctx); err != nil {
			return err
		}
		if afterDocuments != nil {
			afterDocuments()
		}
		if err := b.s.putCheckpoint(ctx, b.projection, at); err != nil {
			return err
		}
		return b.purge(ctx, at.Position)
	}
	sess, err := b.s.client.StartSession()
	if err != nil {
		return err
	}
	defer sess.EndSession(context.WithoutCancel(ctx))
	_, err = sess.WithTransaction(ctx, func(ctx context.Context) (any, error) {
		if err := b.writeDocuments(ctx); err != nil {
			return nil, err
		}
		return nil, b.s.putCheckpoint(ctx, b.projection, at)
	})
	return err
}

// writeDocuments bulk-writes the buffered documents of each collection.
func (b *batch) writeDocuments(ctx context.Context) error {
	b.raiseHighest()
	models := map[string][]mongo.WriteModel{}
	var colls []string
	for _, k := range b.order {
		w, ok := b.writes[k.collection][k.id]
		if !ok {
			continue // dropped by dropSeen
		}
		m, err := b.model(k, w)
		if err != nil {
			return err
		}
		if models[k.collection] == nil {
			colls = append(colls, k.collection)
		}
		models[k.collection] = append(models[k.collection], m)
	}
	for _, c := range colls {
		if err := b.s.bulkWrite(ctx, b.s.coll(c), models[c]); err != nil {
			return err
		}
	}
	return nil
}

// model is the write of one buffered entry. Updates set members rather
// than replacing the wrapper, so the positions other projections keep on
// the document stay. Without transactions a deletion leaves a tombstone
// holding its position, so that applying the batch again skips the
// events before it instead of failing on a missing document.
func (b *batch) model(k docKey, w *entry) (mongo.WriteModel, error) {
	byID := bson.D{{Key: "_id", Value: k.id}}
	at := bson.E{Key: atPath(b.projection), Value: int64(w.at)} // the int64 with the same bits
	if w.deleted {
		if b.s.txn {
			return mongo.NewDeleteOneModel().SetFilter(byID), nil
		}
		return mongo.NewUpdateOneModel().SetFilter(byID).SetUpdate(bson.D{
			{Key: "$set", Value: bson.D{{Key: "gone", Value: true}, at}},
			{Key: "$unset", Value: bson.D{{Key: "doc", Value: ""}, {Key: "key", Value: ""}}},
		}), nil
	}
	spec, err := b.s.spec(k.collection)
	if err != nil {
		return nil, err
	}
	doc, err := toBSON(w.raw)
	if err != nil {
		return nil, err
	}
	return mongo.NewUpdateOneModel().SetFilter(byID).SetUpsert(true).SetUpdate(bson.D{
		{Key: "$set", Value: bson.D{{Key: "doc", Value: doc}, {Key: "key", Value: keys(spec, w.fields)}, at}},
		{Key: "$unset", Value: bson.D{{Key: "gone", Value: ""}}},
	}), nil
}

// purge deletes the tombstones the batch left or met that the checkpoint
// cp has passed: no batch applied again can reach back to them.
func (b *batch) purge(ctx context.Context, cp uint64) error {
	byColl := map[string][]string{}
	for _, k := range b.deleted {
		byColl[k.collection] = append(byColl[k.collection], k.id)
	}
	for c, ids := range byColl {
		f := bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "gone", Value: true}}
		if cp <= math.MaxInt64 { // positions are stored as int64s
			f = append(f, bson.E{Key: atPath(b.projection), Value: bson.D{{Key: "$lte", Value: int64(cp)}}})
		}
		if _, err := b.s.coll(c).DeleteMany(ctx, f); err != nil {
			return err
		}
	}
	return nil
}
