// Package esinput checks the input of an event store Append the same way in
// every adapter, before anything is locked or queued.
package esinput

import (
	"strconv"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// fieldNames are the JSON names of the string fields Validate checks, in
// the order of stringFields.
var fieldNames = [...]string{"id", "type", "actor", "tenant", "correlationId", "causationId"}

func stringFields(e *domain.Envelope) [len(fieldNames)]string {
	return [...]string{e.ID, e.Type, e.Actor, e.Tenant, e.CorrelationID, e.CausationID}
}

// Validate rejects input no store can append: an empty stream id, an
// expected version below AnyVersion, an event without id or type, and a
// NUL byte in any string field. NUL is refused because no identifier
// needs one, PostgreSQL cannot store it in text, and the SQLite adapter
// uses it to separate the fields of a row it reads.
func Validate(stream string, expected domain.ExpectedVersion, events []domain.Envelope) error {
	if stream == "" || strings.IndexByte(stream, 0) >= 0 {
		return domain.Invalid("stream id is empty or contains a NUL byte")
	}
	if expected < domain.AnyVersion {
		return domain.Invalid("expected version must be AnyVersion, NoStream or a version")
	}
	for i := range events {
		for j, v := range stringFields(&events[i]) {
			if (j < 2 && v == "") || strings.IndexByte(v, 0) >= 0 {
				return domain.Invalid("every event needs an id and a type, and no string field may contain a NUL byte",
					domain.FieldError{Pointer: "/" + strconv.Itoa(i) + "/" + fieldNames[j], Detail: "empty or contains a NUL byte"})
			}
		}
	}
	return nil
}
