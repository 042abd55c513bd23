package query

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/webos-engine/webos/application"
)

// TestNumbersCompareExactly pins the order SQLite gives integers and
// floats: exact across the two types, where float64 arithmetic would
// call 2^53 and 2^53+1 equal.
func TestNumbersCompareExactly(t *testing.T) {
	for _, c := range []struct {
		a, b any
		want int
	}{
		{int64(1 << 53), int64(1<<53 + 1), -1},
		{float64(1 << 53), int64(1<<53 + 1), -1},
		{int64(1<<53 + 1), float64(1 << 53), 1},
		{int64(1 << 53), float64(1 << 53), 0},
		{int64(math.MaxInt64), float64(math.MaxInt64), -1}, // the float is 2^63
		{int64(math.MinInt64), float64(math.MinInt64), 0},
		{int64(math.MinInt64), -1e300, 1},
		{int64(2), 2.5, -1},
		{int64(-2), -2.5, 1},
		{int64(-3), -2.5, -1},
		{0.5, 0.25, 1},
	} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("Compare(%v, %v) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

// TestNormalizeNumbers: integers that fit stay int64, as SQLite reads a
// JSON integer literal; the rest become float64.
func TestNormalizeNumbers(t *testing.T) {
	for _, c := range []struct {
		in   any
		want any
	}{
		{json.Number("9007199254740993"), int64(9007199254740993)},
		{json.Number("-9223372036854775808"), int64(math.MinInt64)},
		{json.Number("9223372036854775808"), float64(1 << 63)},
		{json.Number("1.0"), 1.0},
		{json.Number("1e2"), 100.0},
		{uint64(math.MaxUint64), float64(math.MaxUint64)},
		{uint8(7), int64(7)},
		{float32(0.5), 0.5},
		{json.Number("0x10"), nil},
		{json.Number("Inf"), nil},
		{json.Number("1e400"), nil},
		{json.Number(""), nil},
		{math.NaN(), nil},
	} {
		got, ok := Normalize(application.Number, c.in)
		if got != c.want || ok != (c.want != nil) {
			t.Errorf("Normalize(%#v) = %#v, %v; want %#v", c.in, got, ok, c.want)
		}
	}
}
