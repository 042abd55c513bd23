package query

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestCheckRange(t *testing.T) {
	digits := func(n int) string { return "1" + strings.Repeat("0", n-1) }
	for _, c := range []struct {
		doc, pointer string // pointer "" means accepted
	}{
		{`{"a":1e308,"b":-1.7976931348623157e308,"c":1e-400,"d":0.001e310}`, ""},
		{`{"a":` + digits(309) + `,"b":-` + digits(309) + `.5}`, ""},
		{`{"s":"1e400","t":"\"1e400\\\\","1e400":true}`, ""},
		{`{"a":` + digits(310) + `}`, "/doc/a"},
		{`{"a":1E+309}`, "/doc/a"},
		{`{"a":-18e307}`, "/doc/a"},
		{`{"q\"":"\"","~":[0, {"x":[1e999]}]}`, "/doc/~0/1/x/0"},
	} {
		err := checkRange([]byte(c.doc), "/doc", "document")
		if c.pointer == "" {
			if err != nil {
				t.Errorf("%.60s: %v", c.doc, err)
			}
			continue
		}
		var de *domain.Error
		if !errors.As(err, &de) || de.Kind != domain.KindInvalid || len(de.Fields) != 1 || de.Fields[0].Pointer != c.pointer || len(de.Fields[0].Detail) > 80 {
			t.Errorf("%.60s: %#v, want an invalid error at %s", c.doc, err, c.pointer)
		}
	}
}

// BenchmarkCheckRange measures the range check of a typical document
// beside json.Valid, which every write already runs on it.
func BenchmarkCheckRange(b *testing.B) {
	doc := []byte(`{"sku":"SKU-000123","name":"Widget \"deluxe\" 3000","unit":"pcs","onHand":1234,"reserved":12,` +
		`"lowStockThreshold":10,"price":12.5,"updatedAt":"2026-11-30T12:00:00Z","tags":["a","b","c"],"ratio":1e-3}`)
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if !json.Valid(doc) {
				b.Fatal("invalid")
			}
		}
	})
	b.Run("checkRange", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if checkRange(doc, "/doc", "document") != nil {
				b.Fatal("refused")
			}
		}
	})
}
