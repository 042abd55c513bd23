package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/domain"
)

// DefaultMinPositionWait is how long a view query waits for the
// projections behind the view to reach its minimum position unless
// Config.MinPositionWait says otherwise.
const DefaultMinPositionWait = 5 * time.Second

// minPositionHeader and minPositionParam name the position a view query
// must reflect: the position a command answered, so that a client reads
// its own write.
const (
	minPositionHeader = "X-Min-Position"
	minPositionParam  = "minPosition"
)

// parsePosition reads a global feed position.
func parsePosition(s string) (uint64, error) {
	p, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, errors.New("must be a position: a whole number, such as the position a command answered")
	}
	return p, nil
}

// minPosition returns the larger of the header's and the query's minimum
// positions, 0 when neither is given. parseViewQuery has checked the query
// parameter already.
func minPosition(r *http.Request) (uint64, error) {
	var pos uint64
	if values := r.Header.Values(minPositionHeader); len(values) > 0 {
		p, err := parsePosition(values[0])
		if len(values) > 1 || err != nil {
			return 0, domain.Invalid(minPositionHeader+" must be one position, such as \"42\"",
				domain.FieldError{Pointer: minPositionHeader, Detail: "expected a position, a whole number"})
		}
		pos = p
	}
	if q := r.URL.Query().Get(minPositionParam); q != "" {
		if p, err := parsePosition(q); err == nil {
			pos = max(pos, p)
		}
	}
	return pos, nil
}

// awaitPosition waits, at most MinPositionWait, until the projections
// have applied the feed up to position. It answers false after writing a
// 503 problem (with Retry-After) when they have not.
func (s *server) awaitPosition(c *gin.Context, projections []string, position uint64) bool {
	if position == 0 || len(projections) == 0 {
		return true
	}
	err := errors.New("this server runs no projections")
	if s.cfg.AwaitPosition != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.MinPositionWait)
		defer cancel()
		if err = s.cfg.AwaitPosition(ctx, projections, position); err == nil {
			return true
		}
	}
	s.log(c, slog.LevelInfo, "view not caught up", slog.Uint64("min_position", position), slog.Any("error", err))
	c.Header("Retry-After", "1")
	s.problem(c, http.StatusServiceUnavailable, "not_caught_up",
		"the view has not caught up with position "+strconv.FormatUint(position, 10)+" yet; retry shortly", nil)
	return false
}
