package query

import (
	"bytes"
	"encoding/json"

	"github.com/webos-engine/webos/domain"
)

// MarshalDoc encodes a document for storage: compact JSON that must be an
// object, since fields are addressed by member name, and may hold no
// number beyond the float64 range. A json.RawMessage is validated and
// compacted rather than re-encoded as a string.
func MarshalDoc(doc any) (json.RawMessage, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, unencodable(doc, "/doc", "document", err)
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, domain.Invalid("document must be a JSON object",
			domain.FieldError{Pointer: "/doc", Detail: "got " + string(b[:min(len(b), 20)])})
	}
	if err := checkRange(b, "/doc", "document"); err != nil {
		return nil, err
	}
	return b, nil
}

// CheckDoc is MarshalDoc for a store that re-encodes documents anyway
// (the SQLite adapter keeps them as JSONB): a json.RawMessage, which is how
// the projection runtime hands documents over, is only validated, not
// compacted into a copy, which costs more than twice as much. Anything
// else, and any invalid message, goes through MarshalDoc, so the errors
// are the same.
func CheckDoc(doc any) (json.RawMessage, error) {
	if raw, ok := doc.(json.RawMessage); ok && json.Valid(raw) {
		// Valid JSON starting with '{' is an object.
		if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) > 0 && t[0] == '{' {
			if err := checkRange(raw, "/doc", "document"); err != nil {
				return nil, err
			}
			return raw, nil
		}
	}
	return MarshalDoc(doc)
}

// MarshalPatch encodes the fields of a Patch as an RFC 7396 merge patch,
// refusing a number beyond the float64 range as MarshalDoc does.
// A nil map is the empty patch, not JSON null, which as a merge patch
// would replace the whole document.
func MarshalPatch(fields map[string]any) (json.RawMessage, error) {
	if fields == nil {
		return json.RawMessage("{}"), nil
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, unencodable(fields, "/fields", "patch", err)
	}
	if err := checkRange(b, "/fields", "patch"); err != nil {
		return nil, err
	}
	return b, nil
}

// CheckID rejects the empty id, which no document may be stored under: it
// is always a caller's bug (an unset key), and a cursor naming it is
// therefore known to be forged.
func CheckID(id string) error {
	if id == "" {
		return domain.Invalid("document id must not be empty",
			domain.FieldError{Pointer: "/id", Detail: "empty"})
	}
	return nil
}
