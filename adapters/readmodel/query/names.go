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

// ValidName reports whether name may be used as a field name, or as the
// name of a collection as projections declare it.
func ValidName(name string) bool {
	return len(name) <= MaxNameLen && namePattern.MatchString(name)
}

// versionSuffix is how the engine names the collections of version 2 and
// later of a projection (application.VersionedName): "@v" and the
// version. '@' is no character of a valid name, so a versioned name never
// meets a declared one, and it needs no quoting in SQL identifiers or
// MongoDB collection names.
var versionSuffix = regexp.MustCompile(`@v[1-9]\d{0,8}$`)

// ValidCollection reports whether name may be used as a collection's name
// in a store: a valid name, with or without a version suffix.
func ValidCollection(name string) bool {
	if loc := versionSuffix.FindStringIndex(name); loc != nil {
		name = name[:loc[0]]
	}
	return ValidName(name)
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
