package readmodeltest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func testCRUD(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, items)
	_, err := s.Get(ctx, items.Name, "nope")
	wantKind(t, err, domain.KindNotFound, "get missing doc")
	_, err = s.Get(ctx, "test.undeclared", "x")
	wantKind(t, err, domain.KindNotFound, "get from undeclared collection")

	type item struct {
		ID   string  `json:"id"`
		Name string  `json:"name"`
		Rank float64 `json:"rank"`
	}
	apply(t, s, "p", 1, func(tx application.ReadModelTx) error {
		return errorsOf(
			tx.Upsert(ctx, items.Name, "m", map[string]any{"id": "m", "name": "<map & co>", "n": []int{1, 2}}),
			tx.Upsert(ctx, items.Name, "s", item{ID: "s", Name: "struct", Rank: 1.5}),
			tx.Upsert(ctx, items.Name, "r", json.RawMessage(" {\"id\" : \"r\",\n \"nested\": {\"a\": null}} ")),
			tx.Upsert(ctx, items.Name, "gone", map[string]any{"id": "gone"}),
		)
	})
	for id, want := range map[string]string{
		"m": `{"id":"m","name":"<map & co>","n":[1,2]}`,
		"s": `{"id":"s","name":"struct","rank":1.5}`,
		"r": `{"id":"r","nested":{"a":null}}`,
	} {
		got, err := s.Get(ctx, items.Name, id)
		if err != nil {
			t.Fatalf("get %s: %v", id, err)
		}
		sameJSON(t, got, want)
	}

	apply(t, s, "p", 2, func(tx application.ReadModelTx) error {
		return errorsOf(
			tx.Upsert(ctx, items.Name, "m", map[string]any{"id": "m", "replaced": true}),
			tx.Delete(ctx, items.Name, "gone"),
			tx.Delete(ctx, items.Name, "never-existed"),
		)
	})
	got, err := s.Get(ctx, items.Name, "m")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, `{"id":"m","replaced":true}`)
	_, err = s.Get(ctx, items.Name, "gone")
	wantKind(t, err, domain.KindNotFound, "get deleted doc")

	// The returned bytes belong to the caller.
	got[2] = 'X'
	again, _ := s.Get(ctx, items.Name, "m")
	sameJSON(t, again, `{"id":"m","replaced":true}`)
}

func testInvalidWrites(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, items)
	for name, c := range map[string]struct {
		fn   func(application.ReadModelTx) error
		kind domain.Kind
	}{
		"string doc": {func(tx application.ReadModelTx) error { return tx.Upsert(ctx, items.Name, "a", "text") }, domain.KindInvalid},
		"array doc":  {func(tx application.ReadModelTx) error { return tx.Upsert(ctx, items.Name, "a", []int{1}) }, domain.KindInvalid},
		"nil doc":    {func(tx application.ReadModelTx) error { return tx.Upsert(ctx, items.Name, "a", nil) }, domain.KindInvalid},
		"broken raw": {func(tx application.ReadModelTx) error {
			return tx.Upsert(ctx, items.Name, "a", json.RawMessage(`{"a":`))
		}, domain.KindInvalid},
		"empty id":      {func(tx application.ReadModelTx) error { return tx.Upsert(ctx, items.Name, "", map[string]any{}) }, domain.KindInvalid},
		"undeclared":    {func(tx application.ReadModelTx) error { return tx.Upsert(ctx, "test.nope", "a", map[string]any{}) }, domain.KindNotFound},
		"patch missing": {func(tx application.ReadModelTx) error { return tx.Patch(ctx, items.Name, "a", map[string]any{"x": 1}) }, domain.KindNotFound},
	} {
		err := s.Apply(ctx, "p", at(1), c.fn)
		wantKind(t, err, c.kind, name)
	}
	if n, err := s.Count(ctx, items.Name, nil); err != nil || n != 0 {
		t.Fatalf("after failed writes: count %d, %v", n, err)
	}
}

func testPatch(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	declare(t, s, items)
	upsert(t, s, items.Name, `{"id":"a","keep":1,"drop":2,"obj":{"x":1,"y":2},"arr":[1,2],"str":"s"}`)
	apply(t, s, "p", 2, func(tx application.ReadModelTx) error {
		return tx.Patch(ctx, items.Name, "a", map[string]any{
			"drop":  nil,                                  // null deletes
			"obj":   map[string]any{"y": nil, "z": 3},     // objects merge
			"arr":   []int{9},                             // arrays replace
			"str":   map[string]any{"in": 1, "gone": nil}, // object over a non-object
			"new":   map[string]any{"deep": map[string]any{"n": nil, "v": true}},
			"never": nil, // deleting the absent is fine
		})
	})
	got, err := s.Get(ctx, items.Name, "a")
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, `{"id":"a","keep":1,"obj":{"x":1,"z":3},"arr":[9],"str":{"in":1},"new":{"deep":{"v":true}}}`)

	err = s.Apply(ctx, "p", at(3), func(tx application.ReadModelTx) error {
		return tx.Patch(ctx, items.Name, "missing", map[string]any{"a": 1})
	})
	wantKind(t, err, domain.KindNotFound, "patch of a missing doc")
	if _, err := s.Get(ctx, items.Name, "missing"); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("patch created a document: %v", err)
	}
}

// errorsOf returns the first non-nil error, so a batch reads as a list.
func errorsOf(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
