package domain_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/webos-engine/webos/domain"
)

// FuzzCanonicalJSON checks the canonical form's defining properties on any
// input it accepts: it is valid JSON, canonicalising it again changes
// nothing, and it means the same as the input.
func FuzzCanonicalJSON(f *testing.F) {
	for _, seed := range []string{
		`{"b":[1.0,1e2,-0,0.1,1e21,1e-7],"a":{"y":null,"x":"\u00e9\n"}}`,
		`{"\ue000":1,"😀":2,"":[true,false]}`, `"\ud83d\ude00\/"`, `[]`, `-12.5e-3`,
		`{"a":1,"a":2}`, `"\ud800"`, "\"\xff\"", `9007199254740993`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := domain.CanonicalJSON(nil, in)
		if err != nil {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("%q: canonical form %q is not JSON", in, out)
		}
		again, err := domain.CanonicalJSON(nil, out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("%q: not idempotent: %q then %q (%v)", in, out, again, err)
		}
		var a, b any
		if json.Unmarshal(in, &a) != nil || json.Unmarshal(out, &b) != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("%q: canonical form %q means something else", in, out)
		}
	})
}
