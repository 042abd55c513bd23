package projections

import (
	"errors"
	"fmt"
)

// Failure codes, shown in Status.Code.
const (
	// CodeUndecodable: the event's data does not decode into its type.
	CodeUndecodable = "event_undecodable"
	// CodeHandler: the projection's handler returned an error.
	CodeHandler = "handler_failed"
	// CodeStore: reading the feed or writing the read models failed.
	CodeStore = "store_failed"
)

// messages are the fixed texts shown with each code.
var messages = map[string]string{
	CodeUndecodable: "an event cannot be decoded into its type",
	CodeHandler:     "the projection's handler failed on an event",
	CodeStore:       "the event store or the read-model store failed",
}

// eventError is the failure of one event, as opposed to one of a store:
// retrying cannot help once it has failed Options.MaxAttempts times.
type eventError struct {
	position uint64
	typ      string
	code     string
	err      error
}

func (e *eventError) Error() string {
	return fmt.Sprintf("position %d (%s): %v", e.position, e.typ, e.err)
}

func (e *eventError) Unwrap() error { return e.err }

// classify returns the code and failed position of err.
func classify(err error) (code string, position uint64) {
	var ee *eventError
	if errors.As(err, &ee) {
		return ee.code, ee.position
	}
	return CodeStore, 0
}
