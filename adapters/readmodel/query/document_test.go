package query

import (
	"encoding/json"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestCheckDoc(t *testing.T) {
	spaced := json.RawMessage(" {\"a\" : [1, 2]}\n")
	for _, c := range []struct {
		name string
		doc  any
		want string // "" means a domain.KindInvalid error
	}{
		{"raw object kept as is", spaced, string(spaced)},
		{"struct encoded", struct {
			A int `json:"a"`
		}{1}, `{"a":1}`},
		{"raw array", json.RawMessage(`[1]`), ""},
		{"raw string", json.RawMessage(`"{"`), ""},
		{"raw truncated", json.RawMessage(`{"a":`), ""},
		{"raw trailing garbage", json.RawMessage(`{} x`), ""},
		{"raw empty", json.RawMessage(nil), ""},
		{"map", map[string]any{"a": "<b>"}, `{"a":"\u003cb\u003e"}`},
	} {
		got, err := CheckDoc(c.doc)
		switch {
		case c.want == "" && domain.KindOf(err) != domain.KindInvalid:
			t.Errorf("%s: got %s, %v; want an invalid error", c.name, got, err)
		case c.want != "" && (err != nil || string(got) != c.want):
			t.Errorf("%s: got %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}
