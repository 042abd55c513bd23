package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// HashScheme names the rule that turns an envelope and its predecessor's
// hash into the event's hash. Every stored hash says which scheme made it
// (see SchemeOf), so a new scheme never invalidates events already
// written; docs/audit-format.md specifies each one byte for byte.
type HashScheme uint8

const (
	// HashV1 is SHA-256 over prevHash followed by encoding/json output of
	// the envelope. It depends on how the store keeps the key order of
	// data, so it is only verified, never written any more. Its hashes are
	// 64 lower-case hex digits with no tag.
	HashV1 HashScheme = 1
	// HashV2 is SHA-256 over one RFC 8785 canonical JSON object holding
	// prevHash and the envelope, data canonicalised. Its hashes read
	// "v2:" followed by 64 lower-case hex digits.
	HashV2 HashScheme = 2
	// CurrentHashScheme is the scheme Chain writes.
	CurrentHashScheme = HashV2
)

// v2Tag prefixes every HashV2 hash.
const v2Tag = "v2:"

// String returns "v1" or "v2".
func (s HashScheme) String() string { return fmt.Sprintf("v%d", uint8(s)) }

// SchemeOf reads the scheme off a stored hash.
func SchemeOf(hash string) (HashScheme, error) {
	switch {
	case isHex64(hash):
		return HashV1, nil
	case strings.HasPrefix(hash, v2Tag) && isHex64(hash[len(v2Tag):]):
		return HashV2, nil
	}
	return 0, fmt.Errorf("hash %.80q has no known scheme", hash)
}

func isHex64(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Canonical returns the exact bytes s hashes for e linked to prevHash.
func (s HashScheme) Canonical(prevHash string, e *Envelope) ([]byte, error) {
	switch s {
	case HashV1:
		return canonicalV1(prevHash, e)
	case HashV2:
		return canonicalV2(prevHash, e)
	}
	return nil, fmt.Errorf("unknown hash scheme %d", uint8(s))
}

// Hash returns e's hash under s, tagged as SchemeOf expects.
func (s HashScheme) Hash(prevHash string, e *Envelope) (string, error) {
	b, err := s.Canonical(prevHash, e)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	var out [len(v2Tag) + 2*sha256.Size]byte
	tag := 0
	if s != HashV1 {
		tag = copy(out[:], v2Tag)
	}
	n := tag + hex.Encode(out[tag:], sum[:])
	return string(out[:n]), nil
}

// HashEvent returns e's hash under the current scheme.
func HashEvent(prevHash string, e *Envelope) (string, error) {
	return CurrentHashScheme.Hash(prevHash, e)
}
