package mongodb

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/application"
)

// checkpointDoc is a projection's checkpoint as stored. The position is
// the int64 with the same bits as the uint64: every value round-trips, and
// nothing compares positions on the server. Resetting lists the
// collections of a Reset that has not finished.
type checkpointDoc struct {
	StoreID   string   `bson:"store"`
	Position  int64    `bson:"position"`
	Hash      string   `bson:"hash"`
	Resetting []string `bson:"resetting,omitempty"`
}

func (s *Store) putCheckpoint(ctx context.Context, projection string, at application.Checkpoint) error {
	_, err := s.cps.UpdateOne(ctx, bson.D{{Key: "_id", Value: projection}},
		bson.D{{Key: "$set", Value: checkpointDoc{StoreID: at.StoreID, Position: int64(at.Position), Hash: at.Hash}},
			{Key: "$unset", Value: bson.D{{Key: "resetting", Value: ""}}}},
		options.UpdateOne().SetUpsert(true))
	return err
}

// Checkpoint returns the checkpoint last stored for projection, the zero
// Checkpoint if none. A Reset interrupted by a crash is finished first.
func (s *Store) Checkpoint(ctx context.Context, projection string) (application.Checkpoint, error) {
	var d checkpointDoc
	err := s.cps.FindOne(ctx, bson.D{{Key: "_id", Value: projection}}).Decode(&d)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return application.Checkpoint{}, nil
	case err != nil:
		return application.Checkpoint{}, err
	case d.Resetting != nil:
		return application.Checkpoint{}, s.Reset(ctx, projection, d.Resetting)
	}
	return application.Checkpoint{StoreID: d.StoreID, Position: uint64(d.Position), Hash: d.Hash}, nil
}

// Reset deletes every document of collections and the checkpoint of
// projection. Without a transaction it first marks the checkpoint as
// resetting, so a crash part way leaves a projection that starts from
// zero and finishes the Reset (Checkpoint does) before it applies
// anything: never old documents under a new checkpoint, nor a checkpoint
// over emptied collections.
func (s *Store) Reset(ctx context.Context, projection string, collections []string) error {
	s.writer.Lock()
	defer s.writer.Unlock()
	if collections == nil {
		collections = []string{}
	}
	defer s.forgetSeen(collections)
	if _, err := s.cps.UpdateOne(ctx, bson.D{{Key: "_id", Value: projection}},
		bson.D{{Key: "$set", Value: checkpointDoc{Resetting: collections}}},
		options.UpdateOne().SetUpsert(true)); err != nil {
		return err
	}
	for _, c := range collections {
		if _, err := s.spec(c); err != nil {
			continue // undeclared: holds nothing
		}
		if _, err := s.coll(c).DeleteMany(ctx, bson.D{}); err != nil {
			return err
		}
	}
	_, err := s.cps.DeleteOne(ctx, bson.D{{Key: "_id", Value: projection}})
	return err
}
