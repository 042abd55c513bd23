package application

import (
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestStrictJSONRefusesWhatEncodingJSONAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body     string
		pointers []string
	}{
		{`{"a":1,"a":2}`, []string{"/a"}},
		{`{"a":1,"\u0061":2}`, []string{"/a"}},
		{`{"x":{"y":[{"z":1},{"z":1,"z":2}]}}`, []string{"/x/y/1/z"}},
		{`{"a/b":1,"a~1b":1,"a/b":2}`, []string{"/a~1b"}},
		{`{"s":"\ud800"}`, []string{"/s"}},
		{`{"s":"\udc00x"}`, []string{"/s"}},
		{`{"s":"\ud800\u0041"}`, []string{"/s"}},
		{`{"l":["ok","\ud83d"]}`, []string{"/l/1"}},
		{"{\"s\":\"\xff\"}", []string{"/s"}},
		{"{\"s\":\"\xed\xa0\x80\"}", []string{"/s"}}, // a surrogate in raw UTF-8
		{"{\"\xc3\":1}", []string{""}},
		{strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), []string{strings.Repeat("/a", 32)}},
		{`{"a":1,"b":"\ud800","a":3,"b":4}`, []string{"/a", "/b", "/b"}},
		{`{"k0":0` + manyKeys(1, 40) + `,"k3":3,"k39":{"x":1,"x":2}` + manyKeys(40, 45) + `,"k44":1}`, []string{"/k3", "/k39", "/k39/x", "/k44"}},
	}
	for _, c := range cases {
		if !json.Valid([]byte(c.body)) { // json.Valid lets bad UTF-8 through
			t.Fatalf("%s: the case must be valid JSON", c.body)
		}
		_, faults := strictJSON([]byte(c.body))
		var got []string
		for _, f := range faults {
			got = append(got, f.Pointer)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.pointers) {
			t.Errorf("%q: faults at %q, want %q (%v)", c.body, got, c.pointers, faults)
		}
	}
}

// manyKeys writes ,"k<from>":<from> up to to-1, past the small-object
// limit where duplicates are found with a map.
func manyKeys(from, to int) string {
	var b strings.Builder
	for i := from; i < to; i++ {
		b.WriteString(`,"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
	}
	return b.String()
}

func TestStrictJSONKeepsGoodBodiesAndWritesIntegralNumbersAsIntegers(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{"a":1,"b":[1,2],"c":{"a":1}}`:          `{"a":1,"b":[1,2],"c":{"a":1}}`,
		`{"s":"\ud83d\ude00 \u00e9 \"\\\/ é"}`:   `{"s":"\ud83d\ude00 \u00e9 \"\\\/ é"}`,
		`{"q":1e2, "r": [1.0, -2.50e1, 0.5]}`:    `{"q":100, "r": [1, -25, 0.5]}`,
		`{"q":-0.0,"r":0e999999,"s":1E+2}`:       `{"q":-0,"r":0,"s":100}`,
		`{"q":1e20,"r":1e21,"s":1e-2,"t":12e-1}`: `{"q":100000000000000000000,"r":1e21,"s":1e-2,"t":12e-1}`,
		`{"q":123456789012345678901234e-3}`:      `{"q":123456789012345678901234e-3}`,
		`{"q":1e99999999999999999999}`:           `{"q":1e99999999999999999999}`,
		`{"k":"{\"a\":1,\"a\":1}","l":[[],{}]}`:  `{"k":"{\"a\":1,\"a\":1}","l":[[],{}]}`,
	}
	for in, want := range cases {
		out, faults := strictJSON([]byte(in))
		if faults != nil || string(out) != want {
			t.Errorf("%s: got %s %v, want %s", in, out, faults, want)
		}
	}
}

// FuzzIntegral checks integral against exact rational arithmetic: what it
// rewrites has the same value, and what it leaves is not a small integer.
func FuzzIntegral(f *testing.F) {
	for _, s := range []string{"1e2", "1.0", "-2.50e1", "0.5", "0e9", "1e21", "12e-1", "1E+2", "-0.0", "100e-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, lit string) {
		var n json.Number
		if json.Unmarshal([]byte(lit), &n) != nil || len(lit) > 64 || !strings.ContainsAny(lit, ".eE") {
			return
		}
		want, ok := new(big.Rat).SetString(lit)
		if !ok {
			return
		}
		got, ok := integral(lit)
		if !ok {
			if want.IsInt() && len(want.Num().String()) < maxIntegralDigits {
				t.Fatalf("%s is the integer %s but was left as it is", lit, want.Num())
			}
			return
		}
		if v, _ := new(big.Rat).SetString(got); !want.IsInt() || v.Cmp(want) != 0 || strings.ContainsAny(got, ".eE") {
			t.Fatalf("%s became %s", lit, got)
		}
	})
}

func TestDecodeErrorsPointAtTheFieldAndHideGoTypes(t *testing.T) {
	t.Parallel()
	var v struct {
		Outer struct {
			Small int8 `json:"small"`
		} `json:"outer"`
	}
	err := decodeError(json.Unmarshal([]byte(`{"outer":{"small":300}}`), &v))
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		t.Fatalf("not an invalid-input error: %v", err)
	}
	if len(de.Fields) != 1 || de.Fields[0].Pointer != "/outer/small" {
		t.Fatalf("fields %v, want one at /outer/small", de.Fields)
	}
	for _, s := range []string{de.Message, de.Fields[0].Detail} {
		if strings.Contains(s, "int8") || strings.Contains(s, "struct") || strings.Contains(s, "Go ") {
			t.Errorf("answer text names Go types: %q", s)
		}
	}
	if !strings.Contains(err.Error(), "int8") {
		t.Errorf("the cause is lost for the log: %v", err)
	}
}

// BenchmarkStrictJSON measures the strict scan beside json.Valid, the
// check every command body already paid for, on a typical command body.
func BenchmarkStrictJSON(b *testing.B) {
	body := []byte(`{"sku":"LAMP-BRASS","quantity":10,"reference":"PO-2026-0042","source":"delivery"}`)
	b.Run("json.Valid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			json.Valid(body)
		}
	})
	b.Run("strictJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			strictJSON(body)
		}
	})
}
