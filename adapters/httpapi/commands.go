package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// maxCommandBody bounds a command's JSON: commands are small, and reading
// an unbounded body would let one client exhaust memory.
const maxCommandBody = 1 << 20

// command handles POST /api/commands/{module}.{Command}: it checks
// If-Match and Idempotency-Key (requireJSON has checked the media type),
// reads the body, dispatches and answers the result with the new stream
// version as ETag.
func (s *server) command(c *gin.Context) {
	ctx := c.Request.Context()
	meta := application.MetaFrom(ctx)
	if values := c.Request.Header.Values("If-Match"); len(values) > 0 {
		v, ok := parseIfMatch(strings.Join(values, ","))
		if !ok {
			s.fail(c, domain.Invalid("If-Match must be one stream version, such as \"3\"",
				domain.FieldError{Pointer: "If-Match", Detail: "expected a stream version"}))
			return
		}
		meta.ExpectedVersion = &v
	}
	key, err := idempotencyKey(c.Request.Header)
	if err != nil {
		s.fail(c, err)
		return
	}
	meta.CommandID = key
	body, ok := s.readBody(c)
	if !ok {
		return
	}
	res, err := s.cfg.App.Dispatch(application.WithMeta(ctx, meta), c.Param("name"), body)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("ETag", `"`+strconv.FormatUint(res.Version, 10)+`"`)
	s.writeJSON(c, http.StatusOK, "application/json", res)
}

// parseIfMatch reads one stream version as an entity tag: "3", W/"3" or
// the bare 3 that hand-written requests tend to send. Lists, "*" and
// readBody reads a request body of at most maxCommandBody bytes; when it
// cannot, it answers the problem and reports false.
func (s *server) readBody(c *gin.Context) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxCommandBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		s.problem(c, http.StatusRequestEntityTooLarge, "body_too_large",
			"the body exceeds "+strconv.FormatInt(tooLarge.Limit, 10)+" bytes", nil)
		return nil, false
	case err != nil:
		// The client hung up or sent a broken chunked body.
		s.problem(c, http.StatusBadRequest, "unreadable_body", "the body could not be read", nil)
		return nil, false
	}
	return body, true
}

// anything else are refused rather than guessed at.
func parseIfMatch(h string) (uint64, bool) {
	tag := strings.TrimPrefix(strings.TrimSpace(h), "W/")
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		tag = tag[1 : len(tag)-1]
	}
	v, err := strconv.ParseUint(tag, 10, 64)
	return v, err == nil
}
