package domain

import (
	"math"
	"strconv"
	"strings"
)

// maxSafeInteger is 2^53: every integer up to it in magnitude is an
// IEEE-754 double, and no verifier in any language loses it.
const maxSafeInteger = 1 << 53

// number reads a JSON number and writes its canonical form. Two kinds of
// number are refused, so the canonical form always means exactly what the
// writer wrote: an integer beyond ±2^53 however written (9007199254740993,
// 1e17), which JavaScript and most JSON libraries would round, and which a
// store such as PostgreSQL's jsonb would rewrite from 1e17 to all its
// digits (use a string for big identifiers and amounts); and a number with
// more significant digits than a double keeps, such as
// 0.1000000000000000000001.
func (p *jcsParser) number(dst []byte) ([]byte, error) {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i >= len(p.src) || !isDigit(p.src[p.i]):
		return dst, p.fail("invalid number")
	case p.src[p.i] == '0':
		p.i++
		if p.i < len(p.src) && isDigit(p.src[p.i]) {
			return dst, p.fail("number with a leading zero")
		}
	default:
		p.digits()
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if !p.digits() {
			return dst, p.fail("invalid number")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return dst, p.fail("invalid number")
		}
	}
	lit := string(p.src[start:p.i])
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return dst, p.fail("number %s is out of range", lit)
	}
	n := len(dst)
	dst = appendES6Number(dst, f)
	canon := string(dst[n:])
	exact := canon == lit || sameDecimal(lit, canon)
	if big := math.Abs(f); f == math.Trunc(f) && (big > maxSafeInteger || (big == maxSafeInteger && !exact)) {
		return dst[:n], p.fail("number %s is an integer beyond ±2^53; write it as a string", lit)
	}
	if !exact {
		return dst[:n], p.fail("number %s has more digits than a double holds; write it as a string", lit)
	}
	return dst, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits consumes a run of decimal digits and reports whether there was one.
func (p *jcsParser) digits() bool {
	start := p.i
	for p.i < len(p.src) && isDigit(p.src[p.i]) {
		p.i++
	}
	return p.i > start
}

// appendES6Number writes f as ECMAScript's Number.prototype.toString does,
// which RFC 8785 adopts: the shortest digits that read back as f, in plain
// notation for 1e-6 <= |f| < 1e21 and as d.ddde±x otherwise; -0 is "0".
func appendES6Number(dst []byte, f float64) []byte {
	if f == 0 {
		return append(dst, '0')
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // [-]d[.ddd]e±xx
	if b[0] == '-' {
		dst = append(dst, '-')
		b = b[1:]
	}
	e := 0
	mant := b
	for i, c := range b {
		if c == 'e' {
			mant = b[:i]
			for _, d := range b[i+2:] {
				e = e*10 + int(d-'0')
			}
			if b[i+1] == '-' {
				e = -e
			}
			break
		}
	}
	digits := append([]byte{mant[0]}, mant[min(2, len(mant)):]...)
	k, n := len(digits), e+1 // f = 0.digits × 10^n
	switch {
	case k <= n && n <= 21:
		dst = append(dst, digits...)
		return append(dst, strings.Repeat("0", n-k)...)
	case 0 < n && n <= 21:
		dst = append(dst, digits[:n]...)
		return append(append(dst, '.'), digits[n:]...)
	case -6 < n && n <= 0:
		dst = append(dst, "0."...)
		dst = append(dst, strings.Repeat("0", -n)...)
		return append(dst, digits...)
	}
	dst = append(dst, digits[0])
	if k > 1 {
		dst = append(append(dst, '.'), digits[1:]...)
	}
	dst = append(dst, 'e')
	if n-1 >= 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(n-1), 10)
}

// sameDecimal reports whether two JSON number literals denote the same
// decimal value, comparing their significant digits and scale as strings.
func sameDecimal(a, b string) bool {
	da, ea, na, oka := decimalParts(a)
	db, eb, nb, okb := decimalParts(b)
	if !oka || !okb || da != db {
		return false
	}
	return da == "" || (ea == eb && na == nb)
}

// decimalParts splits a number literal into significant digits (no
// leading or trailing zeros; "" for zero), the power of ten of the last
// of them, and the sign.
func decimalParts(s string) (digits string, exp int, neg, ok bool) {
	neg = strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		x, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return "", 0, false, false
		}
		s, exp = s[:i], x
	}
	if intPart, frac, found := strings.Cut(s, "."); found {
		s, exp = intPart+frac, exp-len(frac)
	}
	s = strings.TrimLeft(s, "0")
	t := strings.TrimRight(s, "0")
	return t, exp + len(s) - len(t), neg, true
}
