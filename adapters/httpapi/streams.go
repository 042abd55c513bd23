package httpapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Stream reads are paged: the default keeps answers small, the maximum
// keeps one request from reading a huge stream at once.
const (
	defaultStreamLimit = 100
	maxStreamLimit     = 1000
)

// streamPage is a stream's events with their full envelopes, hashes
// included, so clients can verify the chain themselves. Version is the
// stream's version when it was read, which may already be past the last
// event listed.
type streamPage struct {
	Stream  string            `json:"stream"`
	Version uint64            `json:"version"`
	Events  []domain.Envelope `json:"events"`
}

// stream handles GET /api/streams/{streamId}?from=&limit=&direction=. The
// id is one path segment, so it may hold anything but '/'. Only streams of
// the principal's tenant (or, for a user's own settings, of the principal
// itself) are found: whose a stream is comes from its id
// (application.App.StreamOwner), so another tenant's stream answers the
// same 404 as a missing one before anything is read, whatever the page.
func (s *server) stream(c *gin.Context) {
	id := c.Param("id")
	if !s.authorize(c, application.PermissionStreamsRead, "stream:"+id) {
		return
	}
	from, limit, dir, err := parseStreamQuery(c.Request.URL.RawQuery)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	owner := s.cfg.App.StreamOwner(id)
	if !owner.Admits(ctx) {
		s.fail(c, unknownStream(id))
		return
	}
	// Events first, then the version, so the version is never behind the
	// events listed.
	events, err := s.cfg.Events.ReadStream(ctx, id, from, dir, limit)
	if err != nil {
		s.fail(c, err)
		return
	}
	version, err := s.cfg.Events.StreamVersion(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if version == 0 {
		s.fail(c, unknownStream(id))
		return
	}
	if ok, err := s.mixedVisible(ctx, owner, id, events); err != nil || !ok {
		s.fail(c, cmp.Or(err, unknownStream(id)))
		return
	}
	if events == nil {
		events = []domain.Envelope{}
	}
	s.writeJSON(c, http.StatusOK, "application/json", streamPage{Stream: id, Version: version, Events: events})
}

// mixedVisible reports whether the principal in ctx may see page, read
// from a stream whose owner nobody declared (a Shared module's, which may
// hold several tenants' events): only if the stream's first event, which
// made it, and every event on the page are of the principal's tenant. The
// first event counts for every page, empty ones (from past the end)
// included, so no page of another tenant's stream (its events appended
// by the engine in the default tenant, say) shows it exists, nor its
// version.
func (s *server) mixedVisible(ctx context.Context, owner application.StreamOwner, id string, page []domain.Envelope) (bool, error) {
	if !owner.Mixed {
		return true, nil
	}
	tenants := make([]string, 0, len(page)+1)
	if len(page) == 0 || page[0].StreamVersion != 1 {
		first, err := s.cfg.Events.ReadStream(ctx, id, 0, application.Forward, 1)
		if err != nil {
			return false, err
		}
		for _, e := range first {
			tenants = append(tenants, e.Tenant)
		}
	}
	for i := range page {
		tenants = append(tenants, page[i].Tenant)
	}
	return owner.AdmitsEvents(ctx, tenants...), nil
}

func unknownStream(id string) error {
	return domain.Errorf(domain.KindNotFound, "unknown_stream", "there is no stream %q", id)
}

// parseStreamQuery reads from (a stream version, default 0), limit
// (default 100, at most 1000) and direction (forward or backward, default
// forward), with application.EventStore.ReadStream's meaning of from.
func parseStreamQuery(rawQuery string) (uint64, int, application.Direction, error) {
	p, bad, err := parseParams(rawQuery)
	if err != nil {
		return 0, 0, 0, err
	}
	from, limit, dir := uint64(0), defaultStreamLimit, application.Forward
	for _, key := range p.keys {
		val := p.get(key)
		var perr error
		switch key {
		case "from":
			if from, perr = strconv.ParseUint(val, 10, 64); perr != nil {
				perr = errors.New("must be a stream version, 0 or more")
			}
		case "limit":
			var ok bool
			if limit, ok = boundedInt(val, 1, maxStreamLimit); !ok {
				perr = fmt.Errorf("must be a whole number from 1 to %d", maxStreamLimit)
			}
		case "direction":
			switch val {
			case "forward":
				dir = application.Forward
			case "backward":
				dir = application.Backward
			default:
				perr = errors.New("must be forward or backward")
			}
		default:
			perr = errors.New("unknown query parameter; use from, limit or direction")
		}
		if perr != nil {
			bad = append(bad, fieldError(key, perr))
		}
	}
	if len(bad) > 0 {
		return 0, 0, 0, invalidParams(bad)
	}
	return from, limit, dir, nil
}
