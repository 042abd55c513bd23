package domain

import "fmt"

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
	p := newParser(src)
	defer p.release()
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
