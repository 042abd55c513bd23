package settings

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"

	"github.com/webos-engine/webos/domain"
)

// document is a settings document decoded from JSON: objects are
// map[string]any, numbers json.Number.
type document = map[string]any

// clone deep-copies d through JSON, so no change reaches a stored value.
func clone(d document) document {
	out := document{}
	if len(d) == 0 {
		return out
	}
	b, _ := json.Marshal(d)
	_ = decode(b, &out)
	return out
}

// decode unmarshals b keeping numbers exact.
func decode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// merge applies patch to d as a JSON merge patch (RFC 7386): a null
// removes a member, an object merges into the object there, anything
// else replaces.
func merge(d, patch document) document {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(d, k)
		case map[string]any:
			inner, ok := d[k].(map[string]any)
			if !ok {
				inner = document{}
			}
			d[k] = merge(inner, pv)
		default:
			d[k] = v
		}
	}
	return d
}

// lookup returns the value at path.
func lookup(d document, path []string) (any, bool) {
	var cur any = d
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// put sets the value at path, creating the objects on the way.
func put(d document, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := d[p].(map[string]any)
		if !ok {
			next = document{}
			d[p] = next
		}
		d = next
	}
	d[path[len(path)-1]] = v
}

// remove deletes the value at path and reports whether it was there.
func remove(d document, path []string) (any, bool) {
	parent, ok := lookup(d, path[:len(path)-1])
	m, isMap := parent.(map[string]any)
	if !ok || !isMap {
		return nil, false
	}
	v, there := m[path[len(path)-1]]
	delete(m, path[len(path)-1])
	return v, there
}

// Change is one field a settings change touched. For a secret field only
// the pointer and Secret are recorded, never a value.
type Change struct {
	Field  string          `json:"field"`
	Old    json.RawMessage `json:"old,omitempty"`
	New    json.RawMessage `json:"new,omitempty"`
	Secret bool            `json:"secret,omitempty"`
}

// diff lists the leaves that differ between before and after (effective
// documents without secrets), objects compared member by member.
func diff(before, after document) []Change {
	a, b := leaves(before, ""), leaves(after, "")
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []Change
	for _, k := range keys {
		ov, nv := a[k], b[k]
		if reflect.DeepEqual(ov, nv) {
			continue
		}
		c := Change{Field: k}
		if ov != nil {
			c.Old, _ = json.Marshal(ov)
		}
		if nv != nil {
			c.New, _ = json.Marshal(nv)
		}
		out = append(out, c)
	}
	return out
}

// leaves flattens d to JSON pointer → non-object value.
func leaves(d document, at string) map[string]any {
	out := map[string]any{}
	for k, v := range d {
		p := at + domain.Pointer(k)
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			for lk, lv := range leaves(m, p) {
				out[lk] = lv
			}
			continue
		}
		out[p] = v
	}
	return out
}

// pointerOf is the JSON pointer of path.
func pointerOf(path []string) string { return domain.Pointer(path...) }
