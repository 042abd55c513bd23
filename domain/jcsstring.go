package domain

import (
	"unicode/utf16"
	"unicode/utf8"
)

// str reads a JSON string at p.i (on its opening quote) and returns its
// value; for the common string without escapes that is a slice of the
// input, so nothing is allocated. Invalid UTF-8, raw control characters and lone surrogate escapes
// are refused: they have no faithful canonical form, and stores disagree
// on them (SQLite and PostgreSQL turn them into U+FFFD or refuse them).
func (p *jcsParser) str() ([]byte, error) {
	p.i++
	start := p.i
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '"' {
			p.i++
			return p.src[start : p.i-1], nil
		}
		if c == '\\' || c < 0x20 {
			return p.slowStr(start)
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(p.src[p.i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, p.fail("invalid UTF-8")
			}
			p.i += n
			continue
		}
		p.i++
	}
	return nil, p.fail("unterminated string")
}

// slowStr finishes a string that has escapes or non-ASCII characters.
func (p *jcsParser) slowStr(start int) ([]byte, error) {
	b := append([]byte(nil), p.src[start:p.i]...)
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return b, nil
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return nil, err
			}
			b = utf8.AppendRune(b, r)
		case c < 0x20:
			return nil, p.fail("control character in a string")
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.i++
		default:
			r, n := utf8.DecodeRune(p.src[p.i:])
			if r == utf8.RuneError && n <= 1 {
				return nil, p.fail("invalid UTF-8")
			}
			b = append(b, p.src[p.i:p.i+n]...)
			p.i += n
		}
	}
	return nil, p.fail("unterminated string")
}

// escape decodes one escape sequence at p.i, pairing surrogate escapes.
func (p *jcsParser) escape() (rune, error) {
	if p.i+1 >= len(p.src) {
		return 0, p.fail("unterminated escape")
	}
	c := p.src[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return 0, p.fail(`invalid \u escape`)
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		if r < 0xDC00 && p.i+1 < len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
			p.i += 2
			if lo, ok := p.hex4(); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				return utf16.DecodeRune(r, lo), nil
			}
		}
		return 0, p.fail("lone surrogate escape")
	}
	return 0, p.fail("invalid escape")
}

func (p *jcsParser) hex4() (rune, bool) {
	if len(p.src)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.src[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

// appendJCSString writes s, which must be valid UTF-8, as RFC 8785 does:
// '"' and '\\' escaped, the control characters with a short escape where
// JSON has one and as \u00xx (lower-case hex) otherwise, everything else
// as its raw UTF-8 bytes.
func appendJCSString[T string | []byte](dst []byte, s T) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
