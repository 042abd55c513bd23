package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
)

// validID accepts client-sent ids of 1 to 128 visible ASCII characters.
// They end up in logs and, as correlation and causation ids, in hashed
// event envelopes for ever, so anything else is replaced, not stored.
var validID = regexp.MustCompile(`^[\x21-\x7e]{1,128}$`)

// traceparent is the W3C Trace Context header format; a malformed one is
// dropped together with its tracestate, as the recommendation requires.
var traceparent = regexp.MustCompile(`^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`)

// maxTracestate is the W3C limit a receiver must accept; longer values are
// dropped rather than stored in every event of the request.
const maxTracestate = 512

// tracestate accepts what W3C Trace Context allows in the header: printable
// ASCII. Anything else (net/http passes bytes such as 0xff through) is
// dropped, as the recommendation permits, instead of failing the command:
// the event store refuses text that is not UTF-8.
var tracestate = regexp.MustCompile(`^[\x20-\x7e]*$`)

// requestMeta puts the request's application.Meta in its context, so the
// pipeline, repository and logger all see the same ids, and echoes the
// request id to the client.
func (s *server) requestMeta(c *gin.Context) {
	h := c.Request.Header
	id := h.Get("X-Request-ID")
	if !validID.MatchString(id) {
		id = s.cfg.NewID()
	}
	// The actor is set by authenticate, from the session or token only.
	m := application.Meta{RequestID: id, CorrelationID: id, TraceContext: traceContext(h)}
	if v := h.Get("X-Correlation-ID"); validID.MatchString(v) {
		m.CorrelationID = v
	}
	if v := h.Get("X-Causation-ID"); validID.MatchString(v) {
		m.CausationID = v
	}
	c.Header("X-Request-ID", id)
	c.Request = c.Request.WithContext(application.WithMeta(c.Request.Context(), m))
	c.Next()
}

// traceContext returns the W3C trace headers to record with the events,
// or nil when there is no valid traceparent.
func traceContext(h http.Header) map[string]string {
	parent := h.Get("traceparent")
	if !traceparent.MatchString(parent) {
		return nil
	}
	tc := map[string]string{"traceparent": parent}
	if state := h.Get("tracestate"); state != "" && len(state) <= maxTracestate && tracestate.MatchString(state) {
		tc["tracestate"] = state
	}
	return tc
}

// traceRequest runs the request in a server span of the App's tracer,
// when tracing is on: the child of the caller's traceparent, the parent of
// the command's span. Its attributes are the method, the route template
// (never the path itself, the query or a header: they can hold tokens)
// and the status.
func (s *server) traceRequest(c *gin.Context) {
	t := s.cfg.App.Tracer()
	if t == nil {
		c.Next()
		return
	}
	route := c.FullPath()
	name := c.Request.Method
	if route != "" {
		name += " " + route
	}
	h := c.Request.Header
	ctx, span := t.Start(c.Request.Context(), name, application.SpanOptions{
		Kind: application.SpanServer, Parent: traceContext(h),
		Attrs: []application.SpanAttr{application.StrAttr("http.request.method", c.Request.Method), application.StrAttr("http.route", route)},
	})
	c.Request = c.Request.WithContext(ctx)
	c.Next()
	status := c.Writer.Status()
	span.SetAttributes(application.IntAttr("http.response.status_code", int64(status)))
	var err error
	if status >= 500 {
		err = fmt.Errorf("status %d", status)
	}
	span.End(err)
}

// accessLog writes one line per request once it is answered.
func (s *server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.log(c, slog.LevelInfo, "http request",
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", time.Since(start)))
}

// log writes a record with the request id set explicitly, so it is there
// even when Config.Logger does not add it from the context.
func (s *server) log(c *gin.Context, level slog.Level, msg string, attrs ...slog.Attr) {
	ctx := c.Request.Context()
	attrs = append(attrs, slog.String("request_id", application.MetaFrom(ctx).RequestID))
	s.cfg.Logger.LogAttrs(ctx, level, msg, attrs...)
}

// recoverPanic turns a panicking handler into a logged 500 problem, so one
// bad request cannot take the process down.
func (s *server) recoverPanic(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			// net/http's own way to abort a response: let the server see it.
			panic(p)
		}
		s.log(c, slog.LevelError, "handler panicked",
			slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
		if c.Writer.Written() {
			// Too late for a problem: the status line is gone.
			c.Abort()
			return
		}
		s.problem(c, http.StatusInternalServerError, "internal", internalDetail, nil)
	}()
	c.Next()
}
