package query

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/webos-engine/webos/domain"
)

// checkRange refuses a valid JSON text holding a number literal no float64
// can hold, such as 1e400, naming it by a JSON pointer under root. SQLite
// reads such a literal as infinity, which queries cannot compare with the
// memory store's results and no JSON cursor can carry, so no adapter
// stores one. A literal that underflows reads as zero in every adapter and
// is kept.
func checkRange(raw []byte, root, what string) error {
	if !overflows(raw) {
		return nil
	}
	ptr, lit := locateOverflow(raw, root)
	if len(lit) > 40 {
		lit = lit[:37] + "..."
	}
	return domain.Invalid(what+" holds a number beyond the range of a 64-bit float",
		domain.FieldError{Pointer: ptr, Detail: lit + " is beyond ±1.7976931348623157e308"})
}

// unencodable is the refusal of a value encoding/json cannot encode, such
// as a Go infinity or NaN. In a map (a patch's fields, or a document built
// as one) it points at the first member, in key order, that fails; the
// error is only built on a refusal, so encoding members again costs
// nothing on the write path.
func unencodable(v any, root, what string, err error) error {
	ptr, detail := root, err.Error()
	if m, ok := v.(map[string]any); ok {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if _, err := json.Marshal(m[k]); err != nil {
				ptr = root + domain.Pointer(k)
				break
			}
		}
	}
	if uv := (*json.UnsupportedValueError)(nil); errors.As(err, &uv) && (uv.Str == "NaN" || uv.Str == "+Inf" || uv.Str == "-Inf") {
		detail = uv.Str + " is not a JSON number"
	}
	return domain.Invalid(what+" is not valid JSON", domain.FieldError{Pointer: ptr, Detail: detail})
}

// overflows is the fast pass, allocation-free for a clean document: it
// scans raw (valid JSON, so a '-' or digit outside a string starts a
// number) and parses only the literals that could overflow.
func overflows(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '"':
			i = stringEnd(raw, i)
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(raw) && inNumber(raw[j]) {
				j++
			}
			if outOfRange(raw[i:j]) {
				return true
			}
			i = j - 1
		}
	}
	return false
}

// inNumber reports whether c can continue a JSON number literal.
func inNumber(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// stringEnd returns the index of the quote closing the string opened at
// raw[open].
func stringEnd(raw []byte, open int) int {
	for i := open + 1; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(raw)
}

// outOfRange reports whether the number literal lit overflows a float64.
// Without an exponent, 308 characters hold at most 308 integer digits,
// below the largest double (about 1.8e308), so only longer literals and
// exponents are parsed.
func outOfRange(lit []byte) bool {
	if len(lit) <= 308 && !bytes.ContainsAny(lit, "eE") {
		return false
	}
	f, _ := strconv.ParseFloat(string(lit), 64)
	return math.IsInf(f, 0)
}

// locateOverflow is the slow pass, run only on a refusal: it walks raw
// token by token for the pointer and literal of the first overflowing
// number.
func locateOverflow(raw []byte, root string) (string, string) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if ptr, lit, ok := firstOverflow(dec, root); ok {
		return ptr, lit
	}
	return root, "a number" // unreachable for the valid JSON overflows accepted
}

func firstOverflow(dec *json.Decoder, at string) (string, string, bool) {
	tok, err := dec.Token()
	if err != nil {
		return at, "", false
	}
	switch v := tok.(type) {
	case json.Number:
		return at, string(v), outOfRange([]byte(v))
	case json.Delim:
		for i := 0; (v == '{' || v == '[') && dec.More(); i++ {
			name := strconv.Itoa(i)
			if v == '{' {
				key, _ := dec.Token()
				name, _ = key.(string)
			}
			if ptr, lit, ok := firstOverflow(dec, at+domain.Pointer(name)); ok {
				return ptr, lit, true
			}
		}
		_, _ = dec.Token() // the closing delimiter
	}
	return at, "", false
}
