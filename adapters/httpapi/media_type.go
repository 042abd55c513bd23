package httpapi

import (
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// requireJSON refuses every state-changing request that is not declared
// application/json, before any handler reads it. A missing Content-Type
// is refused too: a browser's no-cors fetch of a Blob and sendBeacon send
// none, and these are exactly the requests that skip the CORS preflight,
// so accepting them would let any web page post commands to a local
// engine.
func (s *server) requireJSON(c *gin.Context) {
	// An unmatched route (empty FullPath) answers 404 or 405 first.
	if !changesState(c.Request.Method) || c.FullPath() == "" || isJSON(c.GetHeader("Content-Type")) {
		c.Next()
		return
	}
	s.problem(c, http.StatusUnsupportedMediaType, "unsupported_media_type",
		"send the body as application/json (charset utf-8, if any)", nil)
}

// changesState tells the methods that may change state: everything but
// the safe methods of RFC 9110.
func changesState(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// isJSON accepts application/json with optional parameters; a charset, if
// given, must be UTF-8, the only encoding JSON may use on the wire.
func isJSON(contentType string) bool {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
