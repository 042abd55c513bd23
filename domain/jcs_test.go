package domain_test

import (
	"strings"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestCanonicalJSON(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		` { "b" : 1 , "a" : [ 1.0 , 1e2 , -0 , -0.0 ] } `:       `{"a":[1,100,0,0],"b":1}`,
		`[1e-7, 1e-6, 123e-2, 5e-324, 4.5e15, -2.5E-8, 1.5e-7]`: `[1e-7,0.000001,1.23,5e-324,4500000000000000,-2.5e-8,1.5e-7]`,
		`[9007199254740992, -9007199254740992, 0.1, 2.5E+1]`:    `[9007199254740992,-9007199254740992,0.1,25]`,
		`"\u00e9\/\u0041\ud83d\ude00\u2028\u007f"`:              "\"é/A😀\u2028\u007f\"",
		`"\b\f\n\r\t\u0000\u001f\"\\"`:                          `"\b\f\n\r\t\u0000\u001f\"\\"`,
		`{"\ue000":1,"😀":2,"a":{"y":null,"x":true}}`:            `{"a":{"x":true,"y":null},"😀":2,"` + "\ue000" + `":1}`,
		`{}`: `{}`, `[]`: `[]`, `false`: `false`,
	}
	for in, want := range cases {
		got, err := domain.CanonicalJSON(nil, []byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", in, got, err, want)
		}
	}
}

func TestCanonicalJSONRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`{"a":1,"b":2,"a":3}`:      "duplicate key",
		`"\ud800"`:                 "lone surrogate",
		`"\udc00\ud800"`:           "lone surrogate",
		`"\ud800\u0041"`:           "lone surrogate",
		"\"\xff\"":                 "invalid UTF-8",
		"\"\xed\xa0\x80\"":         "invalid UTF-8", // a surrogate encoded in UTF-8
		"\"a\nb\"":                 "control character",
		`9007199254740993`:         "beyond ±2^53",
		`-18014398509481984`:       "beyond ±2^53",
		`1e17`:                     "beyond ±2^53",
		`1.5e300`:                  "beyond ±2^53",
		`0.1000000000000000000001`: "more digits",
		`9007199254740993.0`:       "beyond ±2^53",
		`1.00000000000000000001`:   "more digits",
		`1e400`:                    "out of range",
		`01`:                       "leading zero",
		`-000`:                     "leading zero",
		`-`:                        "invalid number",
		`-a`:                       "invalid number",
		`[1,]`:                     "unexpected character",
		`{"a":1}x`:                 "after the JSON value",
		`{"a" 1}`:                  "expected ':'",
		`nul`:                      "invalid literal",
		strings.Repeat("[", 10001): "nested deeper",
	}
	for in, want := range cases {
		_, err := domain.CanonicalJSON(nil, []byte(in))
		if domain.KindOf(err) != domain.KindInvalid || !strings.Contains(err.Error(), want) {
			t.Errorf("%.40s: got %v, want an invalid-input error about %q", in, err, want)
		}
	}
}
