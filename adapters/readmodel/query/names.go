package query

import (
	"regexp"

	"github.com/webos-engine/webos/domain"
)

// MaxNameLen bounds collection and field names; they become SQL identifiers
// and JSON paths, so there is no reason to allow anything long.
const MaxNameLen = 64

// namePattern accepts dot-separated segments of ASCII letters, digits and
// underscores, each starting with a letter. Nothing in it needs quoting in
// a JSON path, and it contains no SQL quote characters, so a valid name can
// be spliced into SQL text safely. A dot in a field name addresses a nested
// object member ("address.city").
var namePattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)*$`)

// ValidName reports whether name may be used as a collection or field name.
func ValidName(name string) bool {
	return len(name) <= MaxNameLen && namePattern.MatchString(name)
}

// UnknownCollection is the error for any use of a collection that was never
// declared: it names nothing that exists, so it is a not-found error.
func UnknownCollection(name string) error {
	return domain.Errorf(domain.KindNotFound, "unknown_collection",
		"read-model collection %q is not declared", name)
}

// DocNotFound is the error for a missing document.
func DocNotFound(collection, id string) error {
	return domain.Errorf(domain.KindNotFound, "not_found",
		"document %q not found in %s", id, collection)
}
