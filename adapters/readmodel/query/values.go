package query

import (
	"cmp"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
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

// toNumber accepts every Go integer and float kind and json.Number, for
// callers that decode with UseNumber. Unsigned integers above MaxInt64 and
// integer literals beyond int64 become float64s, as they do in SQLite.
func toNumber(v any) (any, bool) {
	if n, ok := v.(json.Number); ok {
		return ParseNumber(string(n))
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return rv.Int(), true
	case rv.CanUint() && rv.Uint() <= math.MaxInt64:
		return int64(rv.Uint()), true
	case rv.CanUint():
		return float64(rv.Uint()), true
	case rv.CanFloat():
		if f := rv.Float(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f, true
		}
	}
	return nil, false
}

// ParseNumber reads a JSON number literal: an int64 if it is an integer
// literal that fits, a finite float64 otherwise. It reports false for
// anything that is not a JSON number or overflows float64.
func ParseNumber(s string) (any, bool) {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) || !json.Valid([]byte(s)) {
		return nil, false
	}
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
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

// compareNumbers orders two normalised numbers exactly. Two int64s or two
// float64s compare directly; an int64 against a float64 compares the
// float's integer part as an int64 first (exact: a float at or beyond
// ±2^63 is beyond every int64, and any smaller float's integer part fits)
// and its fraction second. Converting the int64 to float64 instead would
// make 2^53+1 equal to 2^53.
func compareNumbers(a, b any) int {
	switch x := a.(type) {
	case int64:
		if y, ok := b.(int64); ok {
			return cmp.Compare(x, y)
		}
		return intFloat(x, b.(float64))
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
		return -intFloat(b.(int64), x)
	}
	panic("query: compareNumbers of a non-number")
}

// intFloat compares i with the finite float f exactly.
func intFloat(i int64, f float64) int {
	switch {
	case f >= math.MaxInt64: // 2^63 as a float64: above every int64
		return -1
	case f < math.MinInt64:
		return 1
	}
	t := math.Trunc(f)
	if d := cmp.Compare(i, int64(t)); d != 0 {
		return d
	}
	return cmp.Compare(t, f) // i equals f's integer part: f's fraction decides
}
