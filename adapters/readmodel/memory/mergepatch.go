package memory

import (
	"encoding/json"

	"github.com/webos-engine/webos/adapters/readmodel/query"
)

// mergePatch applies fields to the document doc as an RFC 7396 JSON merge
// patch, the semantics SQLite's json_patch implements. Both sides are
// decoded afresh, so the stored document's maps are never modified and
// the patch's Go values are reduced to plain JSON values first.
func mergePatch(doc json.RawMessage, fields map[string]any) (map[string]any, error) {
	var target map[string]any
	if err := json.Unmarshal(doc, &target); err != nil {
		return nil, err
	}
	b, err := query.MarshalPatch(fields)
	if err != nil {
		return nil, err
	}
	var patch map[string]any
	if err := json.Unmarshal(b, &patch); err != nil {
		return nil, err
	}
	return merge(target, patch).(map[string]any), nil
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
