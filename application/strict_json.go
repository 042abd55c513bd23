package application

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/webos-engine/webos/domain"
)

// maxNesting bounds how deep a command body may nest. Commands are flat
// records with the odd list; anything deeper is hostile, and refusing it
// here keeps the validator's and decoder's recursion short.
const maxNesting = 32

// strictJSON checks a syntactically valid JSON document (json.Valid has
// passed) for what encoding/json accepts silently but an immutable log
// must not: duplicate keys (the last one wins, so a validator and a
// decoder may see different values), invalid UTF-8 and unpaired surrogate
// escapes (both become U+FFFD for ever), and absurd nesting. It returns
// the body with integral numbers written as integers (see integral), or
// every fault found, each with a JSON pointer.
func strictJSON(body []byte) ([]byte, []domain.FieldError) {
	s := scanner{in: body}
	s.value("", 0)
	if len(s.errs) > 0 {
		return nil, s.errs
	}
	if s.out == nil {
		return body, nil
	}
	return append(s.out, body[s.copied:]...), nil
}

// scanner is one pass of strictJSON. out stays nil until a number is
// rewritten, so a body that needs no change is not copied.
type scanner struct {
	in     []byte
	i      int
	out    []byte
	copied int
	errs   []domain.FieldError
}

func (s *scanner) fault(ptr, detail string) {
	s.errs = append(s.errs, domain.FieldError{Pointer: ptr, Detail: detail})
}

func (s *scanner) skipSpace() {
	for s.i < len(s.in) && strings.IndexByte(" \t\r\n", s.in[s.i]) >= 0 {
		s.i++
	}
}

// value scans the value at s.i, found at pointer ptr.
func (s *scanner) value(ptr string, depth int) {
	s.skipSpace()
	switch s.in[s.i] {
	case '{', '[':
		if depth >= maxNesting {
			s.fault(ptr, "nests deeper than the limit of 32 levels")
			s.i = len(s.in) // nothing after this point is worth reporting
			return
		}
		s.container(ptr, depth)
	case '"':
		s.str(ptr)
	case 't', 'n':
		s.i += 4
	case 'f':
		s.i += 5
	default:
		s.number()
	}
}

// container scans an object or an array, refusing duplicate keys.
func (s *scanner) container(ptr string, depth int) {
	object := s.in[s.i] == '{'
	s.i++
	var seen map[string]bool
	for n := 0; ; n++ {
		s.skipSpace()
		if s.i >= len(s.in) {
			return // only after a nesting fault
		}
		if c := s.in[s.i]; c == '}' || c == ']' {
			s.i++
			return
		}
		if s.in[s.i] == ',' {
			s.i++
			s.skipSpace()
		}
		at := ptr + domain.Pointer(strconv.Itoa(n))
		if object {
			key, ok := s.str(ptr)
			at = ptr + domain.Pointer(key)
			if seen == nil {
				seen = map[string]bool{}
			}
			if ok && seen[key] {
				s.fault(at, "is a duplicate key")
			}
			seen[key] = true
			s.skipSpace()
			s.i++ // the colon
		}
		s.value(at, depth+1)
	}
}

// str scans a string, decoding it (keys are compared decoded, so "a" and
// "\u0061" are duplicates). It reports invalid UTF-8 and unpaired
// surrogates at ptr and answers ok=false for them.
func (s *scanner) str(ptr string) (string, bool) {
	s.i++ // the opening quote
	var b strings.Builder
	ok := true
	for s.in[s.i] != '"' {
		c := s.in[s.i]
		if c != '\\' {
			r, size := utf8.DecodeRune(s.in[s.i:])
			if r == utf8.RuneError && size == 1 {
				ok = false
			}
			b.Write(s.in[s.i : s.i+size])
			s.i += size
			continue
		}
		if s.in[s.i+1] != 'u' {
			b.WriteByte(unescape[s.in[s.i+1]])
			s.i += 2
			continue
		}
		r := hex4(s.in[s.i+2 : s.i+6])
		s.i += 6
		if r >= 0xDC00 && r <= 0xDFFF {
			ok = false
			continue
		}
		if r >= 0xD800 && r <= 0xDBFF {
			if s.i+6 > len(s.in) || s.in[s.i] != '\\' || s.in[s.i+1] != 'u' {
				ok = false
				continue
			}
			lo := hex4(s.in[s.i+2 : s.i+6])
			if lo < 0xDC00 || lo > 0xDFFF {
				ok = false
				continue
			}
			s.i += 6
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		}
		b.WriteRune(r)
	}
	s.i++ // the closing quote
	if !ok {
		s.fault(ptr, "is not valid UTF-8 text (raw bytes or an unpaired surrogate escape)")
	}
	return b.String(), ok
}

// unescape maps the one-letter escapes of JSON to their bytes.
var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// hex4 reads four hex digits, already checked by json.Valid.
func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		r <<= 4
		switch {
		case c <= '9':
			r |= rune(c - '0')
		case c >= 'a':
			r |= rune(c - 'a' + 10)
		default:
			r |= rune(c - 'A' + 10)
		}
	}
	return r
}
