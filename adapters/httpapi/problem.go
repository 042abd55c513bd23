package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// internalDetail is all a client learns about a 500: the cause may hold
// SQL, paths or secrets, so it goes to the log under the request id only.
const internalDetail = "an internal error occurred; quote the request id when reporting it"

// problem is an RFC 9457 problem details object with the engine's
// extensions: a machine-readable code, the request id, and the input
// locations at fault. Errors is always an array, empty when nothing
// points anywhere, so clients need no null check. A pointer is a JSON
// pointer into the body, /query/<name> for a query parameter (see
// queryPointer), or the name of the header at fault. Errors holds at most maxFieldErrors entries; ErrorCount is the
// total, so a client can tell that the list was cut.
type problem struct {
	Type       string              `json:"type"`
	Title      string              `json:"title"`
	Status     int                 `json:"status"`
	Detail     string              `json:"detail,omitempty"`
	Instance   string              `json:"instance"`
	Code       string              `json:"code"`
	RequestID  string              `json:"requestId"`
	Errors     []domain.FieldError `json:"errors"`
	ErrorCount int                 `json:"errorCount"`
}

// maxFieldErrors bounds the field errors a problem lists: a form needs the
// first few, and a hostile body with 40,000 unknown keys must not turn a
// 430 KB request into a megabyte-sized answer.
const maxFieldErrors = 20

// statusOf is the one place where domain error kinds become HTTP
// statuses; a kind it does not know is a server fault.
func statusOf(k domain.Kind) int {
	switch k {
	case domain.KindInvalid:
		return http.StatusBadRequest
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindRejected:
		return http.StatusUnprocessableEntity
	case domain.KindUnauthenticated:
		return http.StatusUnauthorized
	default:
		return http.StatusInternalServerError
	}
}

// fail answers err as a problem. A domain error shows its code, message
// and fields; anything else is logged and answered as an opaque 500.
func (s *server) fail(c *gin.Context, err error) {
	var de *domain.Error
	if !errors.As(err, &de) || statusOf(de.Kind) == http.StatusInternalServerError {
		s.log(c, slog.LevelError, "request failed", slog.Any("error", err))
		s.problem(c, http.StatusInternalServerError, "internal", internalDetail, nil)
		return
	}
	code, detail := de.Code, de.Message
	if code == "" {
		code = strings.ReplaceAll(de.Kind.String(), " ", "_")
	}
	if detail == "" {
		detail = de.Kind.String()
	}
	s.problem(c, statusOf(de.Kind), code, detail, de.Fields)
}

// problem writes a problem response and stops the handler chain.
func (s *server) problem(c *gin.Context, status int, code, detail string, fields []domain.FieldError) {
	count := len(fields)
	if fields == nil {
		fields = []domain.FieldError{}
	}
	fields = fields[:min(count, maxFieldErrors)]
	s.writeJSON(c, status, "application/problem+json", problem{
		Type: s.cfg.ProblemBase + code, Title: problemTitle(code), Status: status,
		Detail: detail, Instance: c.Request.URL.Path, Code: code,
		RequestID: application.MetaFrom(c.Request.Context()).RequestID, Errors: fields, ErrorCount: count,
	})
}

// writeJSON answers v as JSON and stops the handler chain. v can fail to
// encode only when a store returned a document that is not valid JSON;
// that becomes a 500 (a problem itself always encodes).
func (s *server) writeJSON(c *gin.Context, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(status, contentType, b)
	c.Abort()
}
