package query

import (
	"cmp"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Numbers follow SQLite's JSON functions exactly: an integer literal that
// fits an int64 is an int64, anything else a float64, and the two compare
// exactly against each other. That is what lets every adapter page by a
// field holding integers beyond 2^53.

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
