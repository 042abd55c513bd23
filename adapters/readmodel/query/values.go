package query

import (
	"cmp"
	"encoding/json"
	"math"
	"reflect"
	"strings"

	"github.com/webos-engine/webos/application"
)

// Field values are normalised to one Go type per FieldType: string, float64
// or bool, with nil for a value that is missing, null, or of another JSON
// type than declared. Treating wrongly typed values as missing keeps
// comparisons within one type, so no adapter has to reproduce a database's
// cross-type ordering rules.

// Normalize converts v to the canonical Go type of t. Named types count by
// their kind (a "type Status string" is a string), numbers may be any Go
// integer or float type or a json.Number, and NaN and infinities are
// rejected because JSON cannot hold them. It reports false for anything
// else.
func Normalize(t application.FieldType, v any) (any, bool) {
	if _, isNumber := v.(json.Number); isNumber && t != application.Number {
		return nil, false // a json.Number is a string only by representation
	}
	rv := reflect.ValueOf(v)
	switch {
	case t == application.String && rv.Kind() == reflect.String:
		return rv.String(), true
	case t == application.Bool && rv.Kind() == reflect.Bool:
		return rv.Bool(), true
	case t == application.Number:
		f, ok := toFloat(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		return f, true
	}
	return nil, false
}

// toFloat accepts every Go integer and float kind and json.Number, for
// callers that decode with UseNumber.
func toFloat(v any) (float64, bool) {
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		return f, err == nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return float64(rv.Int()), true
	case rv.CanUint():
		return float64(rv.Uint()), true
	case rv.CanFloat():
		return rv.Float(), true
	}
	return 0, false
}

// Extract returns the normalised value of field f in doc, a document decoded
// by encoding/json (so numbers are float64). A dotted name walks nested
// objects; anything missing or mistyped on the way yields nil.
func Extract(doc map[string]any, f application.FieldSpec) any {
	var v any = doc
	for part := range strings.SplitSeq(f.Name, ".") {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[part]
	}
	if n, ok := Normalize(f.Type, v); ok {
		return n
	}
	return nil
}

// Compare orders two normalised values of the same field: nil before
// everything, strings bytewise, numbers numerically, false before true.
// This is SQLite's ascending order for the values the SQLite adapter
// extracts, which is what makes the two adapters agree.
func Compare(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string))
	case float64:
		return cmp.Compare(x, b.(float64))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case y:
			return -1
		}
		return 1
	}
	panic("query: Compare of unnormalised value")
}
