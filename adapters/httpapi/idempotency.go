package httpapi

import (
	"net/http"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// maxIdempotencyKey bounds the Idempotency-Key header: room for a UUID or
// a few joined ids, not for data.
const maxIdempotencyKey = 200

// idempotencyKey reads the Idempotency-Key header (draft-ietf-httpapi-
// idempotency-key-header): absent is "", else one value of 1 to
// maxIdempotencyKey visible ASCII characters, quoted as a structured-field
// string or bare. It becomes the command id (application.Meta.CommandID),
// so a retried command answers its first result and appends nothing.
func idempotencyKey(h http.Header) (string, error) {
	values := h.Values("Idempotency-Key")
	if len(values) == 0 {
		return "", nil
	}
	key := strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	if len(values) > 1 || key == "" || len(key) > maxIdempotencyKey || strings.ContainsFunc(key, notVisible) {
		return "", domain.Invalid("Idempotency-Key must be one value of 1 to 200 visible ASCII characters, such as a UUID",
			domain.FieldError{Pointer: "Idempotency-Key", Detail: "expected 1 to 200 visible ASCII characters"})
	}
	return key, nil
}

// notVisible is true for anything but visible ASCII (no space, no
// control, nothing beyond ASCII).
func notVisible(r rune) bool { return r <= ' ' || r > '~' }
