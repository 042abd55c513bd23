package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies a domain error. The HTTP adapter maps kinds to status
// codes in one place; nothing else needs to know about transport.
type Kind int

const (
	// KindInvalid means the input is malformed or breaks a schema (400).
	KindInvalid Kind = iota + 1
	// KindNotFound means the addressed thing does not exist (404).
	KindNotFound
	// KindConflict means a concurrent change or an invariant clash such as a
	// duplicate key (409).
	KindConflict
	// KindForbidden means the actor may not do this (403).
	KindForbidden
	// KindRejected means well-formed, but a business rule refuses it (422).
	KindRejected
	// KindUnauthenticated means the request names no valid identity: no
	// session or token, or one that ended (401).
	KindUnauthenticated
)

var kindNames = map[Kind]string{
	KindInvalid: "invalid", KindNotFound: "not found", KindConflict: "conflict",
	KindForbidden: "forbidden", KindRejected: "rejected", KindUnauthenticated: "unauthenticated",
}

func (k Kind) String() string { return kindNames[k] }

// Sentinels for errors.Is: errors.Is(err, domain.ErrConflict) holds for
// every *Error of KindConflict.
var (
	ErrInvalid   = &Error{Kind: KindInvalid, Code: "invalid"}
	ErrNotFound  = &Error{Kind: KindNotFound, Code: "not_found"}
	ErrConflict  = &Error{Kind: KindConflict, Code: "conflict"}
	ErrForbidden = &Error{Kind: KindForbidden, Code: "forbidden"}
	ErrRejected  = &Error{Kind: KindRejected, Code: "rejected"}
	// ErrUnauthenticated matches every *Error of KindUnauthenticated.
	ErrUnauthenticated = &Error{Kind: KindUnauthenticated, Code: "unauthenticated"}
)

// FieldError locates a problem in the input by JSON pointer.
type FieldError struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// Pointer builds the JSON pointer (RFC 6901) of a FieldError from its
// reference tokens, escaping "~" and "/", which names taken from input
// can contain.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(t))
	}
	return b.String()
}

// Error is a typed domain error: a kind, a stable machine-readable code, a
// human message and, for invalid input, the fields at fault.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.String()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is matches sentinels of the same kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Message == "" && t.Err == nil && t.Fields == nil
}

// Errorf builds an *Error of the given kind and code.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a KindInvalid error listing the fields at fault.
func Invalid(message string, fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: "invalid", Message: message, Fields: fields}
}

// KindOf returns the kind of the first *Error in err's chain, or 0.
func KindOf(err error) Kind {
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return 0
}

// VersionConflict is returned by event stores when the expected version
// does not match the stream.
func VersionConflict(stream string, expected ExpectedVersion, actual uint64) *Error {
	return Errorf(KindConflict, "version_conflict",
		"stream %s is at version %d, expected %d", stream, actual, expected)
}
