package query

import (
	"encoding/base64"
	"errors"
	"slices"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var cursorSpec = application.CollectionSpec{
	Name: "c",
	Fields: []application.FieldSpec{
		{Name: "s", Type: application.String},
		{Name: "n", Type: application.Number},
		{Name: "b", Type: application.Bool},
	},
}

func TestCursorRoundTrip(t *testing.T) {
	q := application.Query{Sort: []application.SortKey{{Field: "s"}, {Field: "n", Desc: true}, {Field: "b"}}}
	p, err := Compile(cursorSpec, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, values := range [][]any{{"x", 1.5, true}, {nil, -1e300, false}, {"", nil, nil}} {
		q.Cursor = p.Next(values, "id/1")
		next, err := Compile(cursorSpec, q)
		if err != nil {
			t.Fatalf("%v: %v", values, err)
		}
		if next.After.ID != "id/1" || !slices.Equal(next.After.Values, values) {
			t.Errorf("round trip of %v: got %+v", values, next.After)
		}
	}
}

// TestForgedCursors covers what a client can forge but no adapter makes:
// values of the wrong type, or no id.
func TestForgedCursors(t *testing.T) {
	sort := []application.SortKey{{Field: "n"}}
	for _, raw := range []string{
		`{"s":"n","v":["ten"],"id":"a"}`,
		`{"s":"n","v":[true],"id":"a"}`,
		`{"s":"n","v":[1],"id":""}`,
		`{"s":"n","v":[1]}`,
		`{"s":"n","v":[1,2],"id":"a"}`,
		`{"s":"-n","v":[1],"id":"a"}`,
		`[]`,
	} {
		q := application.Query{Sort: sort, Cursor: base64.RawURLEncoding.EncodeToString([]byte(raw))}
		_, err := Compile(cursorSpec, q)
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
			t.Errorf("cursor %s: err %v, want invalid", raw, err)
		} else if len(de.Fields) != 1 || de.Fields[0].Pointer != "/cursor" {
			t.Errorf("cursor %s: fields %+v, want one at /cursor", raw, de.Fields)
		}
	}
}
