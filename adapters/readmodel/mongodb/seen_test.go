package mongodb

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/mongodb/ferretdbtest"
	"github.com/webos-engine/webos/application"
)

// TestBlindWritesCheckedAfterReopen plays a restart after a crash between
// a batch's documents and its checkpoint: a store opened afresh knows no
// bound of the positions stored, asks the server, and skips the blind
// writes of events a document has seen, positions above math.MaxInt64
// (stored as negative int64s) included, while it applies newer ones.
func TestBlindWritesCheckedAfterReopen(t *testing.T) {
	ctx := context.Background()
	srv := ferretdbtest.Start(t)
	url := withDatabase(t, "mongodb://"+srv.Addr, ferretdbtest.Database("webos_seen"))
	open := func() *Store {
		t.Helper()
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	first := open()
	const big = math.MaxInt64 + 10
	for _, c := range []struct {
		collection string
		seen       uint64
	}{{benchSpec.Name, 7}, {benchSpec.Name + "2", big}} {
		t.Run(c.collection, func(t *testing.T) {
			spec := benchSpec
			spec.Name = c.collection
			if err := first.Declare(ctx, spec); err != nil {
				t.Fatal(err)
			}
			write := func(s *Store, id string, pos uint64, doc string) {
				t.Helper()
				err := s.Apply(ctx, "p", application.Checkpoint{Position: 1}, func(tx application.ReadModelTx) error {
					return tx.(application.EventTx).At(pos).Upsert(ctx, c.collection, id, json.RawMessage(doc))
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			want := func(s *Store, doc string) {
				t.Helper()
				got, err := s.Get(ctx, c.collection, "d")
				if err != nil || string(got) != doc {
					t.Fatalf("d = %s, %v; want %s", got, err, doc)
				}
			}
			// Documents written past the checkpoint (1), as a crash leaves
			// them; another one at a lower position, which a bound taken
			// from the int64s alone would return.
			write(first, "other", 2, `{}`)
			write(first, "d", c.seen, `{"status":"seen"}`)
			again := open()
			write(again, "d", c.seen, `{"status":"again"}`)
			write(again, "d", c.seen-1, `{"status":"older"}`)
			want(again, `{"status":"seen"}`)
			write(again, "d", c.seen+1, `{"status":"newer"}`)
			want(again, `{"status":"newer"}`)
		})
	}
}
