package domain

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting the way encoding/json does, so hostile data
// cannot exhaust the stack of the recursive parser below.
const maxJSONDepth = 10000

// CanonicalJSON appends to dst the RFC 8785 (JCS) form of the JSON text
// src: no insignificant white space, object members sorted by the UTF-16
// code units of their keys, strings with the minimal escapes, numbers in
// the ECMAScript form. It refuses, with a KindInvalid error, what has no
// single canonical form: invalid UTF-8, lone surrogate escapes, duplicate
// keys, and numbers an IEEE-754 double cannot hold exactly as written
// (see canonicalNumber). The result is what the v2 hash scheme covers, so
// a store that reorders keys or re-escapes strings cannot change a hash.
func CanonicalJSON(dst, src []byte) ([]byte, error) {
	p := jcsParser{src: src, members: make([]member, 0, 16)} // 16: most event data in one allocation
	out, err := p.value(dst)
	if err == nil {
		p.skipSpace()
		if p.i < len(src) {
			err = p.fail("unexpected data after the JSON value")
		}
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

// jcsParser is a strict recursive-descent JSON parser that writes the
// canonical form as it reads.
type jcsParser struct {
	src   []byte
	i     int
	depth int
	// members is a stack of the members of the objects being read, each
	// object using the part from where it started; scratch is reorder's
	// copy buffer. Both are reused, so a parse allocates little.
	members []member
	scratch []byte
}

func (p *jcsParser) fail(format string, args ...any) error {
	return Invalid(fmt.Sprintf("data is not canonicalisable JSON at byte %d: ", p.i) + fmt.Sprintf(format, args...))
}

func (p *jcsParser) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jcsParser) value(dst []byte) ([]byte, error) {
	p.skipSpace()
	if p.i >= len(p.src) {
		return dst, p.fail("unexpected end")
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(dst)
	case c == '[':
		return p.array(dst)
	case c == '"':
		s, err := p.str()
		return appendJCSString(dst, s), err
	case c == 't':
		return p.literal(dst, "true")
	case c == 'f':
		return p.literal(dst, "false")
	case c == 'n':
		return p.literal(dst, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number(dst)
	default:
		return dst, p.fail("unexpected character %q", c)
	}
}

func (p *jcsParser) literal(dst []byte, word string) ([]byte, error) {
	if len(p.src)-p.i < len(word) || string(p.src[p.i:p.i+len(word)]) != word {
		return dst, p.fail("invalid literal")
	}
	p.i += len(word)
	return append(dst, word...), nil
}

// enter counts one level of nesting and consumes the opening bracket.
func (p *jcsParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.fail("nested deeper than %d levels", maxJSONDepth)
	}
	p.i++
	return nil
}

// more reads the separator after an element: true after ',', false after
// the closing bracket.
func (p *jcsParser) more(closing byte) (bool, error) {
	p.skipSpace()
	if p.i < len(p.src) {
		switch p.src[p.i] {
		case ',':
			p.i++
			return true, nil
		case closing:
			p.i++
			return false, nil
		}
	}
	return false, p.fail("expected ',' or '%c'", closing)
}

// closeEmpty consumes the closing bracket of an empty array or object.
func (p *jcsParser) closeEmpty(closing byte) bool {
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == closing {
		p.i++
		return true
	}
	return false
}

func (p *jcsParser) array(dst []byte) ([]byte, error) {
	if err := p.enter(); err != nil {
		return dst, err
	}
	defer func() { p.depth-- }()
	dst = append(dst, '[')
	if p.closeEmpty(']') {
		return append(dst, ']'), nil
	}
	for first := true; ; first = false {
		if !first {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = p.value(dst); err != nil {
			return dst, err
		}
		more, err := p.more(']')
		if err != nil {
			return dst, err
		}
		if !more {
			return append(dst, ']'), nil
		}
	}
}

// member is one written `"key":value` of an object: its key and where its
// bytes sit in the output.
type member struct {
	key        []byte
	start, end int
}

// object writes the members in input order, then, only when that order is
// not already canonical, rewrites them sorted.
func (p *jcsParser) object(dst []byte) ([]byte, error) {
	if err := p.enter(); err != nil {
		return dst, err
	}
	defer func() { p.depth-- }()
	dst = append(dst, '{')
	if p.closeEmpty('}') {
		return append(dst, '}'), nil
	}
	base, mark := len(dst), len(p.members)
	defer func() { p.members = p.members[:mark] }()
	sorted := true
	for {
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return dst, p.fail("expected a member name")
		}
		key, err := p.str()
		if err != nil {
			return dst, err
		}
		if n := len(p.members); n > mark && compareUTF16(p.members[n-1].key, key) >= 0 {
			sorted = false
		}
		if len(p.members) > mark {
			dst = append(dst, ',')
		}
		start := len(dst)
		dst = append(appendJCSString(dst, key), ':')
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return dst, p.fail("expected ':'")
		}
		p.i++
		if dst, err = p.value(dst); err != nil {
			return dst, err
		}
		p.members = append(p.members, member{key, start, len(dst)})
		more, err := p.more('}')
		if err != nil {
			return dst, err
		}
		if !more {
			break
		}
	}
	if !sorted {
		var err error
		if dst, err = p.reorder(dst, base, p.members[mark:]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// reorder rewrites the members written from base on in canonical order,
// refusing duplicate keys (the one case where sorting finds equal keys).
func (p *jcsParser) reorder(dst []byte, base int, members []member) ([]byte, error) {
	p.scratch = append(p.scratch[:0], dst[base:]...)
	written := p.scratch
	slices.SortStableFunc(members, func(a, b member) int { return compareUTF16(a.key, b.key) })
	dst = dst[:base]
	for i, m := range members {
		if i > 0 {
			if string(members[i-1].key) == string(m.key) {
				return dst, p.fail("duplicate key %q", m.key)
			}
			dst = append(dst, ',')
		}
		dst = append(dst, written[m.start-base:m.end-base]...)
	}
	return dst, nil
}

// compareUTF16 orders strings by their UTF-16 code units, as RFC 8785
// sorts keys. It differs from byte (code point) order only between a
// character above U+FFFF (a surrogate pair, first unit D800-DBFF) and one
// in U+E000-U+FFFF.
func compareUTF16[T string | []byte](a, b T) int {
	for len(a) > 0 && len(b) > 0 {
		ra, na := decodeRune(a)
		rb, nb := decodeRune(b)
		if ra != rb {
			ua, ub := firstUTF16Unit(ra), firstUTF16Unit(rb)
			if ua != ub {
				return int(ua) - int(ub)
			}
			return int(ra) - int(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

func firstUTF16Unit(r rune) rune {
	if r >= 0x10000 {
		return 0xD800 + (r-0x10000)>>10
	}
	return r
}

func decodeRune[T string | []byte](s T) (rune, int) {
	if s[0] < utf8.RuneSelf {
		return rune(s[0]), 1
	}
	return utf8.DecodeRuneInString(string(s))
}
