package readmodeltest

import (
	"context"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

func testDeclareTwice(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	seed(t, s)
	upsert(t, s, items.Name, `{"id":"e1","extra":"yes"}`, `{"id":"e2","extra":"no"}`)
	declare(t, s, items)
	if n, err := s.Count(ctx, items.Name, nil); err != nil || n != int64(len(fixture)+2) {
		t.Fatalf("declaring again lost documents: count %d, %v", n, err)
	}

	// A later declaration adds a field and an index over existing documents,
	// and need not repeat what was declared before.
	declare(t, s, application.CollectionSpec{
		Name:    items.Name,
		Fields:  []application.FieldSpec{{Name: "extra", Type: application.String}},
		Indexes: [][]string{{"extra", "score"}, {"name"}},
	})
	page, err := s.Find(ctx, items.Name, application.Query{
		Filters: []application.Filter{{Field: "extra", Op: application.Eq, Value: "yes"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	equalIDs(t, "filter on the added field", ids(t, page.Items), []string{"e1"})
	if _, err := s.Find(ctx, items.Name, application.Query{Sort: []application.SortKey{{Field: "score"}}}); err != nil {
		t.Fatalf("earlier fields were forgotten: %v", err)
	}

	conflict := application.CollectionSpec{Name: items.Name, Fields: []application.FieldSpec{{Name: "score", Type: application.String}}}
	wantKind(t, s.Declare(ctx, conflict), domain.KindConflict, "redeclaring a field with another type")

	// Names are case-sensitive: this is another collection.
	other := items
	other.Name = "Test.Items"
	declare(t, s, other)
	if n, err := s.Count(ctx, other.Name, nil); err != nil || n != 0 {
		t.Fatalf("%s shares documents with %s: count %d, %v", other.Name, items.Name, n, err)
	}
}

func testInvalidDeclare(t *testing.T, s application.ReadModelStore) {
	ctx := context.Background()
	field := func(name string, typ application.FieldType) application.CollectionSpec {
		return application.CollectionSpec{Name: "test.ok", Fields: []application.FieldSpec{{Name: name, Type: typ}}}
	}
	cases := map[string]application.CollectionSpec{
		"empty name":          {Name: ""},
		"digit first":         {Name: "1items"},
		"dash":                {Name: "my-items"},
		"quote":               {Name: `items"; DROP TABLE checkpoints; --`},
		"empty segment":       {Name: "a..b"},
		"trailing dot":        {Name: "items."},
		"bare version":        {Name: "@v2"},
		"version zero":        {Name: "items@v0"},
		"version twice":       {Name: "items@v2@v3"},
		"version not last":    {Name: "items@v2.x"},
		"field quote":         field(`a'b`, application.String),
		"field bracket":       field("a[0]", application.String),
		"field dollar":        field("$", application.String),
		"unknown type":        field("at", "date"),
		"index on undeclared": {Name: "test.ok", Fields: []application.FieldSpec{{Name: "a", Type: application.Number}}, Indexes: [][]string{{"a", "b"}}},
		"empty index":         {Name: "test.ok", Indexes: [][]string{{}}},
		"duplicate field":     {Name: "test.ok", Fields: []application.FieldSpec{{Name: "a", Type: application.Number}, {Name: "a", Type: application.Number}}},
	}
	for name, spec := range cases {
		wantKind(t, s.Declare(ctx, spec), domain.KindInvalid, name)
	}
	if _, err := s.Count(ctx, "test.ok", nil); domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("an invalid declaration created the collection: %v", err)
	}
}
