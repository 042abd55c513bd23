package query

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Cursor is the position of the last row of a page: its sort values
// (normalised, in sort-key order) and its id. The next page holds the rows
// ordered strictly after it, which is keyset paging: rows inserted or
// deleted meanwhile shift no offsets, so no row is skipped or repeated.
type Cursor struct {
	Values []any
	ID     string
}

// wireCursor is the cursor's JSON form. Sort records the sort the cursor was
// made for, so a cursor replayed against another sort is rejected instead
// of silently paging from a meaningless position.
type wireCursor struct {
	Sort   string `json:"s"`
	Values []any  `json:"v"`
	ID     string `json:"id"`
}

// sortSignature renders keys as "field,-field" (minus for descending).
func sortSignature(keys []Key) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Field.Name
		if k.Desc {
			parts[i] = "-" + parts[i]
		}
	}
	return strings.Join(parts, ",")
}

// Next encodes the cursor after the row with the given normalised sort
// values and id: base64url of JSON, opaque to clients.
func (p Plan) Next(values []any, id string) string {
	b, err := json.Marshal(wireCursor{Sort: sortSignature(p.Sort), Values: values, ID: id})
	if err != nil {
		// Normalised values are strings, finite float64s and bools.
		panic("query: encoding cursor: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor parses s and checks it against the query's sort keys. The
// length is checked first, so a forged cursor costs at most a bounded
// decode; numbers keep every digit (UseNumber), so a cursor after 2^53+1
// does not fall back to 2^53 and page the same rows again.
func decodeCursor(s string, keys []Key) (*Cursor, error) {
	if len(s) > MaxCursorLen {
		return nil, fmt.Errorf("cursor is longer than %d characters", MaxCursorLen)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("malformed cursor")
	}
	var w wireCursor
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil || dec.More() || w.ID == "" {
		return nil, errors.New("malformed cursor")
	}
	if w.Sort != sortSignature(keys) || len(w.Values) != len(keys) {
		return nil, errors.New("cursor does not belong to this sort")
	}
	c := &Cursor{ID: w.ID, Values: make([]any, len(keys))}
	for i, v := range w.Values {
		if v == nil {
			continue
		}
		n, ok := Normalize(keys[i].Field.Type, v)
		if !ok {
			return nil, fmt.Errorf("cursor value for %s is not a %s", keys[i].Field.Name, keys[i].Field.Type)
		}
		c.Values[i] = n
	}
	return c, nil
}

// CompareRows orders two rows by keys (nil first ascending, last
// descending) and then by id in the direction of the last key (ascending
// without keys): the total order every Find returns. Breaking ties in the
// last key's direction makes the whole order one index (the key
// expressions, then id) read forwards or backwards, so a newest-first page
// needs no sort step.
func CompareRows(keys []Key, a []any, aID string, b []any, bID string) int {
	for i, k := range keys {
		if d := Compare(a[i], b[i]); d != 0 {
			if k.Desc {
				return -d
			}
			return d
		}
	}
	if IDDesc(keys) {
		return strings.Compare(bID, aID)
	}
	return strings.Compare(aID, bID)
}

// IDDesc reports whether the id tie-breaker of keys runs descending.
func IDDesc(keys []Key) bool { return len(keys) > 0 && keys[len(keys)-1].Desc }
