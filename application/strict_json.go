package application

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/webos-engine/webos/domain"
)

// maxNesting bounds how deep a command body may nest. Commands are flat
// records with the odd list; anything deeper is hostile, and refusing it
// here keeps the validator's and decoder's recursion short.
const maxNesting = 32

// smallObject is how many keys an object may have before duplicates are
// found with a map instead of by comparing with every earlier key.
const smallObject = 16

// strictJSON checks a syntactically valid JSON document (json.Valid has
// passed) for what encoding/json accepts silently but an immutable log
// must not: duplicate keys (the last one wins, so a validator and a
// decoder may see different values), invalid UTF-8 and unpaired surrogate
// escapes (both become U+FFFD for ever), and absurd nesting. It returns
// the body with integral numbers written as integers (see integral), or
// every fault found, each with a JSON pointer.
//
// It runs on every command, so a clean body costs no allocation: keys are
// slices of the body unless they hold escapes, and pointers are built
// only for faults.
func strictJSON(body []byte) ([]byte, []domain.FieldError) {
	s := scanners.Get().(*scanner)
	defer s.release()
	s.in = body
	s.value(0)
	if len(s.errs) > 0 {
		return nil, s.errs
	}
	if s.out == nil {
		return body, nil
	}
	return append(s.out, body[s.copied:]...), nil
}

// scanners recycles the path and key buffers, so that scanning a clean
// body allocates nothing.
var scanners = sync.Pool{New: func() any { return &scanner{} }}

// scanner is one pass of strictJSON. out stays nil until a number is
// rewritten, so a body that needs no change is not copied. path holds the
// reference tokens of the value being scanned; keys, the keys seen in the
// objects being scanned, innermost last.
type scanner struct {
	in     []byte
	i      int
	out    []byte
	copied int
	errs   []domain.FieldError
	path   []token
	keys   [][]byte
}

// release clears s, keeping its buffers, and returns it to the pool. out
// and errs are handed to the caller, so they are dropped, not reused.
func (s *scanner) release() {
	clear(s.keys[:cap(s.keys)]) // drop references to the body
	clear(s.path[:cap(s.path)])
	*s = scanner{path: s.path[:0], keys: s.keys[:0]}
	scanners.Put(s)
}

// token is one step of a path: an object key, or an array index when key
// is nil.
type token struct {
	key   []byte
	index int
}

// fault records a problem at the current path.
func (s *scanner) fault(detail string) {
	tokens := make([]string, len(s.path))
	for i, t := range s.path {
		tokens[i] = string(t.key)
		if t.key == nil {
			tokens[i] = strconv.Itoa(t.index)
		}
	}
	s.errs = append(s.errs, domain.FieldError{Pointer: domain.Pointer(tokens...), Detail: detail})
}

func (s *scanner) skipSpace() {
	for s.i < len(s.in) && (s.in[s.i] == ' ' || s.in[s.i] == '\t' || s.in[s.i] == '\r' || s.in[s.i] == '\n') {
		s.i++
	}
}

// value scans the value at s.i.
func (s *scanner) value(depth int) {
	s.skipSpace()
	switch s.in[s.i] {
	case '{', '[':
		if depth >= maxNesting {
			s.fault("nests deeper than the limit of 32 levels")
			s.i = len(s.in) // nothing after this point is worth reporting
			return
		}
		s.container(depth)
	case '"':
		s.str(false)
	case 't', 'n':
		s.i += 4
	case 'f':
		s.i += 5
	default:
		s.number()
	}
}

// container scans an object or an array, refusing duplicate keys.
func (s *scanner) container(depth int) {
	object := s.in[s.i] == '{'
	s.i++
	first := len(s.keys)
	var many map[string]bool
	defer func() { s.keys = s.keys[:first] }()
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
		if object {
			key, ok := s.str(true)
			s.path = append(s.path, token{key: key})
			if ok {
				var dup bool
				if many, dup = s.seen(key, first, many); dup {
					s.fault("is a duplicate key")
				}
			}
			s.skipSpace()
			s.i++ // the colon
		} else {
			s.path = append(s.path, token{index: n})
		}
		s.value(depth + 1)
		s.path = s.path[:len(s.path)-1]
	}
}

// seen tells whether key was already seen in the object whose keys start
// at s.keys[first], and records it. Past smallObject keys it moves them
// to a map, which it returns, to be passed on with the next key.
func (s *scanner) seen(key []byte, first int, many map[string]bool) (map[string]bool, bool) {
	if many != nil {
		dup := many[string(key)]
		many[string(key)] = true
		return many, dup
	}
	for _, k := range s.keys[first:] {
		if bytes.Equal(k, key) {
			return nil, true
		}
	}
	s.keys = append(s.keys, key)
	if len(s.keys)-first > smallObject {
		many = make(map[string]bool, 2*smallObject)
		for _, k := range s.keys[first:] {
			many[string(k)] = true
		}
	}
	return many, false
}
