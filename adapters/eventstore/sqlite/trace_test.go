package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestParseTraceMatchesJSON checks the hand-split fast path against
// encoding/json, on what traceJSON writes and on JSON it never writes.
func TestParseTraceMatchesJSON(t *testing.T) {
	written := []map[string]string{
		{}, {"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		{"a": "", "": "b", "c": "d,e:f", "g": `quote " inside`, "h": "<&>", "ü": "é"},
	}
	var inputs []string
	for _, m := range written {
		s, err := traceJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, s.(string))
	}
	inputs = append(inputs, `{"a": "x"}`, `{"a":"x" ,"b":"y"}`, `{ }`, `{"a":"x","b":"y"}`, `{"a":"x"`, `{"a"}`)
	for _, in := range inputs {
		var want map[string]string
		wantErr := json.Unmarshal([]byte(in), &want)
		got, err := parseTrace(in)
		if (err != nil) != (wantErr != nil) || (err == nil && !reflect.DeepEqual(got, want)) {
			t.Errorf("parseTrace(%s) = %v, %v; encoding/json gives %v, %v", in, got, err, want, wantErr)
		}
	}
}
