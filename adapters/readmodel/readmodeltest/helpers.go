package readmodeltest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// items is the collection most subtests use. "meta.rank" is a nested field.
var items = application.CollectionSpec{
	Name: "test.items",
	Fields: []application.FieldSpec{
		{Name: "name", Type: application.String},
		{Name: "score", Type: application.Number},
		{Name: "active", Type: application.Bool},
		{Name: "group", Type: application.String},
		{Name: "meta.rank", Type: application.Number},
	},
	Indexes: [][]string{{"group", "score"}, {"name"}},
}

// fixture is chosen to exercise the edges: case, LIKE wildcards and
// multi-byte text in names; negative, fractional and exponent numbers;
// missing fields, nulls and values of the wrong JSON type (d06), which
// count as missing; ties on score (d01, d08).
var fixture = []string{
	`{"id":"d01","name":"apple","score":10,"active":true,"group":"x","meta":{"rank":2}}`,
	`{"id":"d02","name":"Apple","score":-5.5,"active":false,"group":"y","meta":{"rank":1}}`,
	`{"id":"d03","name":"100%_off","score":0,"active":true,"group":"x","meta":"flat"}`,
	`{"id":"d04","name":"100x_off","score":3,"group":"y"}`,
	`{"id":"d05","active":false,"group":"x"}`,
	`{"id":"d06","name":null,"score":"12","active":"yes","group":"y"}`,
	`{"id":"d07","name":"banana","score":2.25,"active":true,"group":"x"}`,
	`{"id":"d08","name":"apple pie","score":10,"active":false,"group":"y"}`,
	`{"id":"d09","name":"ünïcode","score":1e3,"active":true,"group":"x"}`,
	`{"id":"d10","name":"b","score":-100,"active":false,"group":"y"}`,
	`{"id":"d11","name":"100_off","score":-0.5,"active":true,"group":"x"}`,
}

// seed declares items and stores the fixture under projection "seed".
func seed(t *testing.T, s application.ReadModelStore) {
	t.Helper()
	declare(t, s, items)
	apply(t, s, "seed", 1, func(tx application.ReadModelTx) error {
		for _, doc := range fixture {
			if err := tx.Upsert(context.Background(), items.Name, idOf(t, json.RawMessage(doc)), json.RawMessage(doc)); err != nil {
				return err
			}
		}
		return nil
	})
}

func declare(t *testing.T, s application.ReadModelStore, spec application.CollectionSpec) {
	t.Helper()
	if err := s.Declare(context.Background(), spec); err != nil {
		t.Fatalf("declare %s: %v", spec.Name, err)
	}
}

func apply(t *testing.T, s application.ReadModelStore, projection string, pos uint64, fn func(application.ReadModelTx) error) {
	t.Helper()
	if err := s.Apply(context.Background(), projection, at(pos), fn); err != nil {
		t.Fatalf("apply %s@%d: %v", projection, pos, err)
	}
}

// at is the checkpoint these tests store for position pos: a fixed store
// id and a hash derived from pos, so a test can tell it was kept whole.
func at(pos uint64) application.Checkpoint {
	return application.Checkpoint{StoreID: "store-1", Position: pos, Hash: fmt.Sprintf("hash-%d", pos)}
}

// upsert stores docs (JSON objects with an "id" member) in one Apply.
func upsert(t *testing.T, s application.ReadModelStore, collection string, docs ...string) {
	t.Helper()
	apply(t, s, "upsert", 1, func(tx application.ReadModelTx) error {
		for _, d := range docs {
			if err := tx.Upsert(context.Background(), collection, idOf(t, json.RawMessage(d)), json.RawMessage(d)); err != nil {
				return err
			}
		}
		return nil
	})
}

// idOf returns a document's "id" member, the suite's way of telling
// documents apart in pages.
func idOf(t *testing.T, doc json.RawMessage) string {
	t.Helper()
	var v struct{ ID string }
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatalf("document %s: %v", doc, err)
	}
	return v.ID
}

func ids(t *testing.T, items []json.RawMessage) []string {
	t.Helper()
	out := []string{}
	for _, it := range items {
		out = append(out, idOf(t, it))
	}
	return out
}

// wantKind fails unless err is a domain error of kind.
func wantKind(t *testing.T, err error, kind domain.Kind, what string) {
	t.Helper()
	if domain.KindOf(err) != kind {
		t.Errorf("%s: err %v (kind %v), want kind %v", what, err, domain.KindOf(err), kind)
	}
}

// sameJSON fails unless got and want are equal JSON values.
func sameJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := errors.Join(json.Unmarshal(got, &g), json.Unmarshal([]byte(want), &w)); err != nil {
		t.Fatalf("decoding %s / %s: %v", got, want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("got %s, want %s", got, want)
	}
}

func equalIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}
