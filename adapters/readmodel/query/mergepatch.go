package query

import (
	"bytes"
	"encoding/json"
)

// MergePatch applies fields to the document doc as an RFC 7396 JSON merge
// patch, the semantics SQLite's json_patch implements. Both sides are
// decoded afresh, so the stored document's maps are never modified and
// the patch's Go values are reduced to plain JSON values first.
func MergePatch(doc json.RawMessage, fields map[string]any) (map[string]any, error) {
	target, err := DecodeObject(doc)
	if err != nil {
		return nil, err
	}
	b, err := MarshalPatch(fields)
	if err != nil {
		return nil, err
	}
	patch, err := DecodeObject(b)
	if err != nil {
		return nil, err
	}
	return merge(target, patch).(map[string]any), nil
}

// DecodeObject decodes a JSON object keeping numbers as json.Number, so
// an integer beyond 2^53 keeps every digit, in the document re-encoded
// after a patch and in the values queries compare (query.Normalize reads
// json.Number as SQLite reads a JSON literal).
func DecodeObject(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	return obj, nil
}

// merge is RFC 7396 MergePatch: an object patch merges member by member
// into an object (replacing a non-object target), null deletes a member,
// and any other patch value replaces the target whole.
func merge(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = merge(t[k], v)
		}
	}
	return t
}
