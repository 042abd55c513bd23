package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	"github.com/webos-engine/webos/application"
)

var benchSpec = application.CollectionSpec{
	Name: "bench.orders",
	Fields: []application.FieldSpec{
		{Name: "status", Type: application.String},
		{Name: "total", Type: application.Number},
	},
	Indexes: [][]string{{"status", "total"}},
}

// benchDocs are n orders of about 200 bytes as JSON, the form the
// projection runtime hands the store, and round r of their contents.
func benchDocs(n, r int) []json.RawMessage {
	docs := make([]json.RawMessage, n)
	for i := range docs {
		docs[i] = fmt.Appendf(nil, `{"id":"order-%05d","status":%q,"total":%d.25,"customer":"customer-%05d","lines":%d,"note":%q}`,
			i, []string{"new", "paid", "shipped"}[(i+r)%3], i*7+r, i%500, r%20, strings.Repeat("n", 60))
	}
	return docs
}

// benchWriter writes round r of n documents, each event at a position
// after pos, in one way.
type benchWriter func(ctx context.Context, docs []json.RawMessage, pos uint64) error

// BenchmarkBatchApply compares, on the same server and in the same rounds,
// three ways to write the same batch of upserts into a collection of
// stored documents (every round rewrites the first documents with new
// contents):
//
//   - adapter: one Apply, each upsert through the batch as seen by its
//     event (EventTx.At), as the projection runtime writes;
//   - raw: the raw driver's BulkWrite of the same documents as plain
//     replacing upserts, with no positions, key fields or checkpoint, in
//     requests of the same size as the adapter's (the baseline);
//   - wrapped: the raw driver sending what the adapter sends in the
//     steady state, written by hand: upserts that $set the stored form
//     (document, key fields, position) in requests of the same size, then
//     the checkpoint update. adapter/wrapped is the adapter's own cost,
//     wrapped/raw the server's for the stored form and the checkpoint.
//
// Each round runs the three in turn, in a rotating order, each on a
// database of its own, so a change of the machine's load hits all three
// alike; the ratios are of their total times. The server is FerretDB
// unless MONGODB_URL names a real one.
func BenchmarkBatchApply(b *testing.B) {
	base := os.Getenv("MONGODB_URL")
	if base == "" {
		base = "mongodb://" + ferretdbtest.Start(b).Addr
	}
	for _, c := range []struct{ batch, stored int }{{50, 50}, {500, 500}, {50, 2000}} {
		b.Run(fmt.Sprintf("batch=%d/docs=%d", c.batch, c.stored), func(b *testing.B) {
			ctx := context.Background()
			n := c.batch
			names := []string{"adapter", "raw", "wrapped"}
			writers := []benchWriter{benchAdapter(b, base, c.stored), benchRaw(b, base, c.stored), benchWrapped(b, base, c.stored)}
			took := make([]time.Duration, len(writers))
			round, pos := 0, uint64(c.stored)
			for b.Loop() {
				docs := benchDocs(n, round)
				for k := range writers {
					w := (k + round) % len(writers)
					start := time.Now()
					if err := writers[w](ctx, docs, pos); err != nil {
						b.Fatalf("%s: %v", names[w], err)
					}
					took[w] += time.Since(start)
				}
				round++
				pos += uint64(n)
			}
			for w, name := range names {
				b.ReportMetric(float64(n*b.N)/took[w].Seconds(), name+"-docs/s")
			}
			b.ReportMetric(took[1].Seconds()/took[0].Seconds(), "adapter/raw")
			b.ReportMetric(took[2].Seconds()/took[0].Seconds(), "adapter/wrapped")
			b.ReportMetric(took[1].Seconds()/took[2].Seconds(), "wrapped/raw")
		})
	}
}

// benchAdapter writes through one Apply of the store.
func benchAdapter(b *testing.B, base string, stored int) benchWriter {
	s := openFresh(b, base)
	if err := s.Declare(context.Background(), benchSpec); err != nil {
		b.Fatal(err)
	}
	benchStore(b, s, stored, true)
	return func(ctx context.Context, docs []json.RawMessage, pos uint64) error {
		return s.Apply(ctx, "bench", application.Checkpoint{Position: pos + uint64(len(docs))}, func(tx application.ReadModelTx) error {
			for i, d := range docs {
				if err := tx.(application.EventTx).At(pos+uint64(i)+1).Upsert(ctx, benchSpec.Name, benchID(i), d); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

// benchRaw writes plain replacing upserts with the raw driver, in requests
// of the same size as the adapter's (see ferretDBMaxOps: FerretDB hangs on
// larger ones).
func benchRaw(b *testing.B, base string, stored int) benchWriter {
	s := openFresh(b, base)
	benchStore(b, s, stored, false)
	c := s.coll(benchSpec.Name)
	return func(ctx context.Context, docs []json.RawMessage, _ uint64) error {
		models := make([]mongo.WriteModel, len(docs))
		for i, d := range docs {
			var doc bson.D
			if err := bson.UnmarshalExtJSON(d, false, &doc); err != nil {
				return err
			}
			models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: benchID(i)}}).
				SetReplacement(doc).SetUpsert(true)
		}
		return s.bulkWrite(ctx, c, models)
	}
}

// benchWrapped writes, with the raw driver, the stored form the adapter
// writes, into a collection with the same indexes, then a checkpoint.
func benchWrapped(b *testing.B, base string, stored int) benchWriter {
	s := openFresh(b, base)
	if err := s.Declare(context.Background(), benchSpec); err != nil {
		b.Fatal(err)
	}
	benchStore(b, s, stored, true)
	c := s.coll(benchSpec.Name)
	return func(ctx context.Context, docs []json.RawMessage, pos uint64) error {
		models := make([]mongo.WriteModel, len(docs))
		for i, d := range docs {
			var doc bson.D
			if err := bson.UnmarshalExtJSON(d, false, &doc); err != nil {
				return err
			}
			models[i] = mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: benchID(i)}}).SetUpsert(true).
				SetUpdate(bson.D{
					{Key: "$set", Value: bson.D{{Key: "doc", Value: doc}, {Key: "key", Value: benchKey(doc)}, {Key: "at.bench", Value: int64(pos) + int64(i) + 1}}},
					{Key: "$unset", Value: bson.D{{Key: "gone", Value: ""}}},
				})
		}
		if err := s.bulkWrite(ctx, c, models); err != nil {
			return err
		}
		_, err := s.cps.UpdateOne(ctx, bson.D{{Key: "_id", Value: "bench"}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "store", Value: ""}, {Key: "position", Value: int64(pos) + int64(len(docs))}, {Key: "hash", Value: ""}}},
				{Key: "$unset", Value: bson.D{{Key: "resetting", Value: ""}}}},
			options.UpdateOne().SetUpsert(true))
		return err
	}
}

// benchStore inserts the documents of round 0 at positions 1..n in one
// request, in the stored form if wrapped, plain otherwise.
func benchStore(b *testing.B, s *Store, n int, wrapped bool) {
	docs := make([]any, n)
	for i, d := range benchDocs(n, 0) {
		var doc bson.D
		if err := bson.UnmarshalExtJSON(d, false, &doc); err != nil {
			b.Fatal(err)
		}
		docs[i] = append(bson.D{{Key: "_id", Value: benchID(i)}}, doc...)
		if wrapped {
			docs[i] = bson.D{{Key: "_id", Value: benchID(i)}, {Key: "doc", Value: doc}, {Key: "key", Value: benchKey(doc)},
				{Key: "at", Value: bson.D{{Key: "bench", Value: int64(i) + 1}}}}
		}
	}
	if _, err := s.coll(benchSpec.Name).InsertMany(context.Background(), docs); err != nil {
		b.Fatal(err)
	}
}

// benchKey is the stored key of a bench document: its declared fields.
func benchKey(doc bson.D) bson.D {
	key := bson.D{}
	for _, e := range doc {
		if e.Key == "status" || e.Key == "total" {
			key = append(key, e)
		}
	}
	return key
}

func benchID(i int) string { return fmt.Sprintf("order-%05d", i) }
