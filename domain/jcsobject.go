package domain

import (
	"slices"
	"unicode/utf8"
)

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
