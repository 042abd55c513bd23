package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// benchOrder marshals to about 200 bytes, a typical read-model row.
type benchOrder struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Total    float64 `json:"total"`
	Customer string  `json:"customer"`
	Updated  string  `json:"updated"`
	Lines    int     `json:"lines"`
	Note     string  `json:"note"`
}

var benchSpec = application.CollectionSpec{
	Name: "bench.orders",
	Fields: []application.FieldSpec{
		{Name: "status", Type: application.String},
		{Name: "total", Type: application.Number},
		{Name: "updated", Type: application.String},
	},
	Indexes: [][]string{{"status", "total"}, {"updated"}},
}

var statuses = []string{"new", "open", "paid", "shipped", "closed"}

func newBenchOrder(i int, rng *rand.Rand) benchOrder {
	return benchOrder{
		ID: fmt.Sprintf("order-%06d", i), Status: statuses[rng.IntN(len(statuses))],
		Total: float64(rng.IntN(100_000)) / 100, Customer: fmt.Sprintf("customer-%05d", rng.IntN(5000)),
		Updated: fmt.Sprintf("2026-01-%02dT10:%02d:00Z", 1+rng.IntN(28), rng.IntN(60)),
		Lines:   rng.IntN(20), Note: strings.Repeat("n", 60),
	}
}

// benchStore opens a store holding n orders, written in batches of 1000.
func benchStore(b *testing.B, n int) *Store {
	b.Helper()
	ctx := context.Background()
	s := open(b)
	if err := s.Declare(ctx, benchSpec); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for start := 0; start < n; start += 1000 {
		err := s.Apply(ctx, "bench", application.Checkpoint{Position: uint64(start)}, func(tx application.ReadModelTx) error {
			for i := start; i < min(start+1000, n); i++ {
				o := newBenchOrder(i, rng)
				if err := tx.Upsert(ctx, benchSpec.Name, o.ID, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkApplyBatch is a projection rebuild: each op is one Apply of
// 1000 events, each reading a document, changing it and writing it back.
func BenchmarkApplyBatch(b *testing.B) {
	const ids, batch = 10_000, 1000
	ctx := context.Background()
	s := benchStore(b, ids)
	rng := rand.New(rand.NewPCG(3, 4))
	pos := uint64(ids)
	for b.Loop() {
		pos += batch
		err := s.Apply(ctx, "bench", application.Checkpoint{Position: pos}, func(tx application.ReadModelTx) error {
			for range batch {
				i := rng.IntN(ids)
				var o benchOrder
				raw, err := tx.Get(ctx, benchSpec.Name, fmt.Sprintf("order-%06d", i))
				switch {
				case domain.KindOf(err) == domain.KindNotFound:
					o = newBenchOrder(i, rng)
				case err != nil:
					return err
				default:
					if err := json.Unmarshal(raw, &o); err != nil {
						return err
					}
				}
				o.Status, o.Total, o.Lines = statuses[rng.IntN(len(statuses))], o.Total+1, o.Lines+1
				if err := tx.Upsert(ctx, benchSpec.Name, o.ID, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkFindIndexed is a list view: filter on one indexed field, sort
// on the next, first page of 50, over 100,000 documents.
func BenchmarkFindIndexed(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b, 100_000)
	q := application.Query{
		Filters: []application.Filter{{Field: "status", Op: application.Eq, Value: "open"}},
		Sort:    []application.SortKey{{Field: "total", Desc: true}},
		Limit:   50,
	}
	for b.Loop() {
		page, err := s.Find(ctx, benchSpec.Name, q)
		if err != nil || len(page.Items) != 50 || page.Next == "" {
			b.Fatalf("page of %d items, next %q: %v", len(page.Items), page.Next, err)
		}
	}
}

// movementSpec is shaped like the warehouse movements view: an
// append-only log with a sequential, a compound and a timestamp index.
var movementSpec = application.CollectionSpec{
	Name: "bench.movements",
	Fields: []application.FieldSpec{
		{Name: "sku", Type: application.String}, {Name: "kind", Type: application.String},
		{Name: "at", Type: application.String}, {Name: "position", Type: application.Number},
	},
	Indexes: [][]string{{"position"}, {"sku", "position"}, {"at"}},
}

// BenchmarkApplyInsert is a rebuild of an append-only view: each op is
// one Apply of 500 new documents, marshalled up front as the projection
// runtime's overlay hands them over, under a cancellable context as the
// runtime's are.
func BenchmarkApplyInsert(b *testing.B) {
	const batch = 500
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := open(b)
	if err := s.Declare(ctx, movementSpec); err != nil {
		b.Fatal(err)
	}
	pos := 0
	docs := make([]json.RawMessage, batch)
	ids := make([]string, batch)
	for b.Loop() {
		b.StopTimer()
		for i := range docs {
			pos++
			ids[i], docs[i] = movementDoc(pos)
		}
		b.StartTimer()
		err := s.Apply(ctx, "bench", application.Checkpoint{Position: uint64(pos)}, func(tx application.ReadModelTx) error {
			for i, doc := range docs {
				if err := tx.Upsert(ctx, movementSpec.Name, ids[i], doc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "docs/s")
}

// movementDoc is the movement at position pos, keyed like an event id.
func movementDoc(pos int) (string, json.RawMessage) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	id := fmt.Sprintf("%08x-7000-4000-8000-%012x", pos/1000, pos)
	doc, _ := json.Marshal(map[string]any{
		"id": id, "sku": fmt.Sprint("SKU-", (pos/10)%1000), "kind": "received",
		"onHandDelta": 2, "reservedDelta": 0, "reference": "bench", "actor": "bench",
		"at": t0.Add(time.Duration(pos) * time.Millisecond).Format("2006-01-02T15:04:05.000000000Z"), "position": pos,
	})
	return id, doc
}
