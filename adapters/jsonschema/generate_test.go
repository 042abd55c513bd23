package jsonschema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// receiveStock stands in for a module command: nested object, array of
// objects, tags of every kind the modules use.
type receiveStock struct {
	SKU      string    `json:"sku" jsonschema:"minLength=1,maxLength=200,pattern=^[A-Z0-9-]+$"`
	Quantity uint64    `json:"quantity" jsonschema:"minimum=1,maximum=1000000000"`
	Location location  `json:"location"`
	Note     string    `json:"note,omitempty" jsonschema:"maxLength=10"`
	Lines    []line    `json:"lines,omitempty"`
	At       time.Time `json:"at,omitzero"`
}

type location struct {
	Bin string `json:"bin" jsonschema:"minLength=1"`
}

type line struct {
	Qty int32 `json:"qty" jsonschema:"minimum=1"`
}

type node struct {
	Children []node `json:"children"`
}

func TestGenerateShape(t *testing.T) {
	doc, err := Generate(reflect.TypeFor[receiveStock]())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(doc, []byte("}\n")) || !bytes.Contains(doc, []byte("\n  \"$schema\"")) {
		t.Fatalf("want 2-space indent and trailing newline:\n%s", doc)
	}
	if bytes.Contains(doc, []byte("$ref")) || bytes.Contains(doc, []byte("$defs")) {
		t.Fatalf("schema is not self-contained:\n%s", doc)
	}
	var s struct {
		Schema     string                     `json:"$schema"`
		Required   []string                   `json:"required"`
		Additional *bool                      `json:"additionalProperties"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(doc, &s); err != nil {
		t.Fatal(err)
	}
	if s.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q", s.Schema)
	}
	if strings.Join(s.Required, ",") != "sku,quantity,location" {
		t.Errorf("required = %v", s.Required)
	}
	if s.Additional == nil || *s.Additional {
		t.Errorf("additionalProperties must be false")
	}
	for prop, want := range map[string]string{
		"quantity": `"maximum":1000000000,"minimum":1`,
		"sku":      `"pattern":"^[A-Z0-9-]+$"`,
		"location": `"additionalProperties":false`,
		"lines":    `"maximum":2147483647,"minimum":1`,
		"note":     `"maxLength":10`,
	} {
		var flat bytes.Buffer
		if err := json.Compact(&flat, s.Properties[prop]); err != nil {
			t.Fatal(prop, err)
		}
		if !strings.Contains(flat.String(), want) {
			t.Errorf("%s = %s, lacks %s", prop, flat.String(), want)
		}
	}
}

func TestGenerateIsStable(t *testing.T) {
	a, _ := Generate(reflect.TypeFor[receiveStock]())
	for range 20 {
		if b, _ := Generate(reflect.TypeFor[*receiveStock]()); !bytes.Equal(a, b) {
			t.Fatalf("output differs between runs:\n%s\n%s", a, b)
		}
	}
}

func TestGenerateRefuses(t *testing.T) {
	for name, typ := range map[string]reflect.Type{
		"recursive":   reflect.TypeFor[node](),
		"unsupported": reflect.TypeFor[struct{ C chan int }](),
		"nil":         nil,
	} {
		if _, err := Generate(typ); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

type base struct {
	ID  string `json:"id"`
	Rev int    `json:"rev,omitzero"`
}

type withOmitZero struct {
	base
	When  time.Time `json:"when,omitzero"`
	Must  int       `json:"must,omitzero" jsonschema:"required"`
	Items []struct {
		X int `json:"x,omitzero"`
		Y int `json:"y"`
	} `json:"items"`
}

func TestGenerateOmitZeroIsOptional(t *testing.T) {
	doc, err := Generate(reflect.TypeFor[withOmitZero]())
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Required   []string `json:"required"`
		Properties struct {
			Items struct {
				Items struct {
					Required []string `json:"required"`
				} `json:"items"`
			} `json:"items"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(doc, &s); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Required, ","); got != "id,must,items" {
		t.Errorf("required = %s, want id,must,items", got)
	}
	if got := strings.Join(s.Properties.Items.Items.Required, ","); got != "y" {
		t.Errorf("items.required = %s, want y", got)
	}
}
