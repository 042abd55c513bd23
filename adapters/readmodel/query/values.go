package query

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/webos-engine/webos/application"
)

// Field values are normalised to one Go type per FieldType: string, bool,
// and for numbers int64 or float64, with nil for a value that is missing,
// null, or of another JSON type than declared. Treating wrongly typed
// values as missing keeps comparisons within one type, so no adapter has to
// reproduce a database's cross-type ordering rules.
//
// A number is an int64 when it is an integer that fits, and a float64
// otherwise, exactly as SQLite's JSON functions read a JSON literal, and
// Compare orders the two exactly against each other, as SQLite does.
// Integers beyond 2^53 therefore keep every digit in filters, cursors and
// comparisons: 2^53+1 and 2^53 are different values everywhere.

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
		return toNumber(v)
	}
	return nil, false
}

// Extract returns the normalised value of field f in doc, a document decoded
// by encoding/json (numbers as float64, or as json.Number to keep every
// digit). A dotted name walks nested
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
// everything, strings bytewise, numbers numerically and exactly (int64
// against float64 included), false before true.
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
	case int64, float64:
		return compareNumbers(x, b)
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
