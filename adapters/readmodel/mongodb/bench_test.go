package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

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

// BenchmarkBatchApply compares, on the same server, one Apply of a batch
// of upserts (each through the batch as seen by its event, as the
// projection runtime writes) with the raw driver's BulkWrite of the same
// documents as plain replacing upserts, with no positions, keys or
// checkpoint, in requests of the same size. The server is FerretDB unless
// MONGODB_URL names a real one. Every round rewrites the same documents.
func BenchmarkBatchApply(b *testing.B) {
	base := os.Getenv("MONGODB_URL")
	if base == "" {
		base = "mongodb://" + ferretdbtest.Start(b).Addr
	}
	ctx := context.Background()
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprintf("adapter/%d", n), func(b *testing.B) {
			s := openFresh(b, base)
			if err := s.Declare(ctx, benchSpec); err != nil {
				b.Fatal(err)
			}
			pos := uint64(0)
			round := 0
			for b.Loop() {
				docs := benchDocs(n, round)
				round++
				err := s.Apply(ctx, "bench", application.Checkpoint{Position: pos + uint64(n)}, func(tx application.ReadModelTx) error {
					for i, d := range docs {
						pos++
						if err := tx.(application.EventTx).At(pos).Upsert(ctx, benchSpec.Name, fmt.Sprintf("order-%05d", i), d); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
		})
		b.Run(fmt.Sprintf("raw/%d", n), func(b *testing.B) {
			s := openFresh(b, base)
			c := s.coll(benchSpec.Name)
			round := 0
			for b.Loop() {
				docs := benchDocs(n, round)
				round++
				models := make([]mongo.WriteModel, n)
				for i, d := range docs {
					var doc bson.D
					if err := bson.UnmarshalExtJSON(d, false, &doc); err != nil {
						b.Fatal(err)
					}
					models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: fmt.Sprintf("order-%05d", i)}}).
						SetReplacement(doc).SetUpsert(true)
				}
				// In requests of the same size as the adapter's (see
				// ferretDBMaxOps: FerretDB hangs on larger ones).
				if err := s.bulkWrite(ctx, c, models); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
