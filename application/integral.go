package application

import (
	"strconv"
	"strings"
)

// maxIntegralDigits bounds the integers integral writes out: 21 digits
// hold every int64 and uint64, and a larger value cannot decode into an
// integer field anyway, so it is left for the schema to refuse.
const maxIntegralDigits = 21

// number scans the number at s.i and, when it is an integer written with
// a fraction or an exponent (1e2, 1.0, 2.50e1), writes it as one: JSON
// Schema calls those integers, but encoding/json refuses them for integer
// fields. The value is the same, so float fields are not affected.
func (s *scanner) number() {
	start := s.i
	for s.i < len(s.in) && strings.IndexByte("+-0123456789.eE", s.in[s.i]) >= 0 {
		s.i++
	}
	lit := string(s.in[start:s.i])
	if !strings.ContainsAny(lit, ".eE") {
		return
	}
	if n, ok := integral(lit); ok {
		s.out = append(append(s.out, s.in[s.copied:start]...), n...)
		s.copied = s.i
	}
}

// integral writes a valid JSON number literal as a plain integer, or
// answers false when it has a fractional part or more digits than
// maxIntegralDigits. It works on the digits, never on a float, so it is
// exact; the sign is kept, so -0.0 stays a negative zero for floats.
func integral(lit string) (string, bool) {
	sign, mant, exp := "", lit, 0
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	if i := strings.IndexAny(mant, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(mant[i+1:], "+"))
		if err != nil {
			return "", false // beyond any int: the schema refuses it
		}
		mant, exp = mant[:i], e
	}
	digits := mant
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		digits = mant[:i] + mant[i+1:]
		exp -= len(mant) - i - 1
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return sign + "0", true
	}
	if exp > maxIntegralDigits || exp < -len(digits)-maxIntegralDigits {
		return "", false // no trailing zeros can make this a small integer
	}
	for exp < 0 && digits[len(digits)-1] == '0' {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if exp < 0 || len(digits)+exp > maxIntegralDigits {
		return "", false
	}
	return sign + digits + strings.Repeat("0", exp), true
}
