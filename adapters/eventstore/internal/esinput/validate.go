// Package esinput checks the input of an event store Append the same way in
// every adapter, before anything is locked or queued.
package esinput

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/webos-engine/webos/domain"
)

// fieldNames are the JSON names of the string fields Validate checks, in
// the order of stringFields.
var fieldNames = [...]string{"id", "type", "actor", "tenant", "correlationId", "causationId"}

func stringFields(e *domain.Envelope) [len(fieldNames)]string {
	return [...]string{e.ID, e.Type, e.Actor, e.Tenant, e.CorrelationID, e.CausationID}
}

// Validate rejects input no store can append: an empty stream id, an
// expected version below AnyVersion, an event without id or type, a NUL
// byte in any string field, text that is not valid UTF-8, and data that
// has no canonical JSON form (see domain.CanonicalJSON: invalid UTF-8,
// lone surrogates, duplicate keys, integers beyond ±2^53). NUL is refused
// because no identifier needs one, PostgreSQL cannot store it in text, and
// the SQLite adapter uses it to separate the fields of a row it reads.
// Invalid UTF-8 is refused because a store would keep other text than was
// hashed (SQLite writes U+FFFD), breaking the chain for ever.
func Validate(stream string, expected domain.ExpectedVersion, events []domain.Envelope) error {
	if stream == "" || strings.IndexByte(stream, 0) >= 0 || !utf8.ValidString(stream) {
		return domain.Invalid("stream id is empty, contains a NUL byte or is not valid UTF-8")
	}
	if expected < domain.AnyVersion {
		return domain.Invalid("expected version must be AnyVersion, NoStream or a version")
	}
	for i := range events {
		if err := validateEvent(i, &events[i]); err != nil {
			return err
		}
	}
	return nil
}

func validateEvent(i int, e *domain.Envelope) error {
	at := "/" + strconv.Itoa(i) + "/"
	for j, v := range stringFields(e) {
		if (j < 2 && v == "") || strings.IndexByte(v, 0) >= 0 {
			return domain.Invalid("every event needs an id and a type, and no string field may contain a NUL byte",
				domain.FieldError{Pointer: at + fieldNames[j], Detail: "empty or contains a NUL byte"})
		}
	}
	if err := domain.CheckText(e); err != nil {
		return prefixed(err, at)
	}
	// Sized so that canonicalising valid data allocates its output once.
	if _, err := domain.CanonicalJSON(make([]byte, 0, len(e.Data)), e.Data); err != nil {
		return domain.Invalid("event data has no canonical JSON form",
			domain.FieldError{Pointer: at + "data", Detail: err.Error()})
	}
	return nil
}

// prefixed moves the field pointers of a domain error under at.
func prefixed(err error, at string) error {
	var de *domain.Error
	if !errors.As(err, &de) {
		return err
	}
	out := *de
	out.Fields = make([]domain.FieldError, len(de.Fields))
	for k, f := range de.Fields {
		out.Fields[k] = domain.FieldError{Pointer: at + strings.TrimPrefix(f.Pointer, "/"), Detail: f.Detail}
	}
	return &out
}
