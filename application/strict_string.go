package application

import "unicode/utf8"

// str scans a string, reporting invalid UTF-8 and unpaired surrogates.
// With decode it returns the decoded text (keys are compared decoded, so
// "a" and "\u0061" are duplicates): a slice of the body when it holds no
// escapes.
func (s *scanner) str(decode bool) ([]byte, bool) {
	s.i++ // the opening quote
	start := s.i
	var dec []byte // set at the first escape, when decoding
	ok := true
	for s.in[s.i] != '"' {
		c := s.in[s.i]
		if c != '\\' {
			size := 1
			if c >= utf8.RuneSelf {
				var r rune
				r, size = utf8.DecodeRune(s.in[s.i:])
				ok = ok && (r != utf8.RuneError || size != 1)
			}
			if dec != nil {
				dec = append(dec, s.in[s.i:s.i+size]...)
			}
			s.i += size
			continue
		}
		if decode && dec == nil {
			dec = append([]byte{}, s.in[start:s.i]...)
		}
		if s.in[s.i+1] != 'u' {
			if dec != nil {
				dec = append(dec, unescape[s.in[s.i+1]])
			}
			s.i += 2
			continue
		}
		r, valid := s.escapedRune()
		ok = ok && valid
		if dec != nil && valid {
			dec = utf8.AppendRune(dec, r)
		}
	}
	key := s.in[start:s.i]
	if dec != nil {
		key = dec
	}
	s.i++ // the closing quote
	if !ok {
		s.fault("is not valid UTF-8 text (raw bytes or an unpaired surrogate escape)")
	}
	return key, ok
}

// escapedRune reads a \uXXXX escape at s.i, and its low half when it is a
// high surrogate; valid is false for an unpaired surrogate.
func (s *scanner) escapedRune() (r rune, valid bool) {
	r = hex4(s.in[s.i+2 : s.i+6])
	s.i += 6
	switch {
	case r >= 0xDC00 && r <= 0xDFFF:
		return r, false
	case r < 0xD800 || r > 0xDBFF:
		return r, true
	}
	if s.i+6 > len(s.in) || s.in[s.i] != '\\' || s.in[s.i+1] != 'u' {
		return r, false
	}
	lo := hex4(s.in[s.i+2 : s.i+6])
	if lo < 0xDC00 || lo > 0xDFFF {
		return r, false
	}
	s.i += 6
	return 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00), true
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
