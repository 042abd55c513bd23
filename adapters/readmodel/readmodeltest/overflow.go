package readmodeltest

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// overflowWrites are writes of a number no float64 holds (SQLite reads
// 1e400 as infinity, which no JSON cursor can carry), or of a Go infinity
// or NaN, each with the JSON pointer its refusal must name.
var overflowWrites = []struct {
	name    string
	write   func(ctx context.Context, tx application.ReadModelTx) error
	pointer string
}{
	{"upsert 1e400", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Upsert(ctx, big.Name, "x", json.RawMessage(`{"id":"x","n":1e400}`))
	}, "/doc/n"},
	{"upsert, deep in arrays and objects", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Upsert(ctx, big.Name, "x", json.RawMessage(`{"id":"x","n":1,"a/b":[{"e":"1e400"},{"c":[2,-1.8E+308]}]}`))
	}, "/doc/a~1b/1/c/1"},
	{"upsert 310 digits", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Upsert(ctx, big.Name, "x", map[string]any{"id": "x", "n": json.Number("1" + strings.Repeat("0", 309))})
	}, "/doc/n"},
	{"patch 1e400", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Patch(ctx, big.Name, "b01", map[string]any{"n": json.Number("1e400")})
	}, "/fields/n"},
	{"patch, nested", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Patch(ctx, big.Name, "b01", map[string]any{"m": map[string]any{"k": json.RawMessage(`[0,-2e308]`)}})
	}, "/fields/m/k/1"},
	{"upsert Go infinity", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Upsert(ctx, big.Name, "x", map[string]any{"id": "x", "m": map[string]any{"k": math.Inf(-1)}})
	}, "/doc/m"},
	{"patch Go NaN", func(ctx context.Context, tx application.ReadModelTx) error {
		return tx.Patch(ctx, big.Name, "b01", map[string]any{"a": 1, "n": math.NaN()})
	}, "/fields/n"},
}

// testOverflowingNumbers checks that every adapter refuses, at write, a
// number beyond the float64 range with an invalid error naming the field,
// and writes nothing of a refused batch (nor the refused document when a
// projection ignores the error), while the largest doubles and numbers
// that underflow to zero, which every adapter reads alike, are stored.
func testOverflowingNumbers(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, big)
	upsert(t, s, big.Name, `{"id":"b01","n":1}`)
	for _, c := range overflowWrites {
		err := s.Apply(ctx, "p", at(2), func(tx application.ReadModelTx) error {
			if err := tx.Upsert(ctx, big.Name, "before", json.RawMessage(`{"id":"before","n":2}`)); err != nil {
				return err
			}
			return c.write(ctx, tx)
		})
		wantKind(t, err, domain.KindInvalid, c.name)
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Pointer != c.pointer {
			t.Errorf("%s: %#v, want one field error at %s", c.name, err, c.pointer)
		}
		// A projection that ignores the refusal still stores nothing of it.
		apply(t, s, "q", 3, func(tx application.ReadModelTx) error {
			_ = c.write(ctx, tx)
			return nil
		})
	}
	if cp, err := s.Checkpoint(ctx, "p"); err != nil || cp != (application.Checkpoint{}) {
		t.Errorf("a refused batch stored its checkpoint: %+v, %v", cp, err)
	}
	page, err := s.Find(ctx, big.Name, application.Query{Sort: []application.SortKey{desc("n")}, Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Next != "" {
		t.Fatalf("after the refused writes: %d documents, next %q, %v; want b01 alone", len(page.Items), page.Next, err)
	}
	sameJSON(t, page.Items[0], `{"id":"b01","n":1}`)

	upsert(t, s, big.Name, `{"id":"max","n":1.7976931348623157e308}`, `{"id":"min","n":-1.7976931348623157E+308}`,
		`{"id":"tiny","n":1e-400}`)
	for _, limit := range []int{1, 2} {
		got := walk(t, s, big.Name, application.Query{Sort: []application.SortKey{asc("n")}, Limit: limit}, nil)
		equalIDs(t, "walk by n over the extremes", got, []string{"min", "tiny", "b01", "max"})
	}
}
