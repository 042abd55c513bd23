package application_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/webos-engine/webos/domain"
)

// goInternals matches what an answer must never show: Go type and
// package names and the decoder's own wording.
var goInternals = regexp.MustCompile(`\b(u?int(8|16|32|64)?|float(32|64)|struct|interface|map\[|application(_test)?\.|json: |Go value|Go struct)\b`)

// FuzzDispatch sends arbitrary bodies through the whole command pipeline.
// Whatever comes in, the answer is a typed domain error whose client-facing
// text names no Go internals, and a body gets past decoding (to the
// authoriser, which refuses everything here) only when it is strict JSON:
// valid UTF-8, no duplicate keys. The seed corpus runs in every go test.
func FuzzDispatch(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","by":1}`, `{"id":"a","by":1e1}`, `{"id":"a","by":10.0}`, `{"id":"a","by":1.5}`,
		`{"id":"a","by":1,"by":2}`, `{"id":"\ud800","by":1}`, `{"id":"\udc00","by":1}`, "{\"id\":\"\xff\",\"by\":1}",
		`{"id":"a","by":99999999999999999999}`, `{"id":"a","by":1e400}`, `{"id":"a","by":-0.0}`,
		`{"id":["a"],"by":{"x":1}}`, `{"id":"a","by":1,"x":{"y":{"z":[[[[[[1]]]]]]}}}`, `[]`, `"x"`, ``, `{`, `nul`,
		`{"id":"a","by":1,"\u0062y":2}`, `{"ID":"a","by":1}`, `{"id":"a","By":1}`,
	} {
		f.Add([]byte(s))
	}
	app, events := newApp(f, denyAll{}, counterModule{name: "counter"})
	seed(f, events, "a")
	f.Fuzz(func(t *testing.T, body []byte) {
		_, err := app.Dispatch(context.Background(), "counter.Increment", body)
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("%q: not a domain error: %v", body, err)
		}
		answered := de.Message
		for _, fe := range de.Fields {
			answered += " " + fe.Pointer + " " + fe.Detail
		}
		if goInternals.MatchString(answered) {
			t.Fatalf("%q: the answer names Go internals: %s", body, answered)
		}
		if de.Kind == domain.KindForbidden && (!utf8.Valid(body) || hasDuplicateKeys(body)) {
			t.Fatalf("%q: a body that is not strict JSON reached the authoriser", body)
		}
	})
}

// hasDuplicateKeys is an independent check with encoding/json's tokens:
// raw keys are compared after decoding, like the pipeline does.
func hasDuplicateKeys(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		keys   map[string]bool
		object bool
		atKey  bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].object && stack[top].atKey {
			if k, ok := tok.(string); ok {
				if stack[top].keys[k] {
					return true
				}
				stack[top].keys[k] = true
				stack[top].atKey = false
				continue
			}
		}
		if top >= 0 && stack[top].object {
			stack[top].atKey = true
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{keys: map[string]bool{}, object: true, atKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
			if top > 0 && stack[top-1].object {
				stack[top-1].atKey = true
			}
		}
	}
}
