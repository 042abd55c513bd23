package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/settings"
)

// settingsRoutes serves the Settings service: the schemas, and the system
// and user settings of each module. Secrets are never answered, only
// said to be set or not set.
func (s *server) settingsRoutes(r *gin.Engine) {
	r.GET("/api/settings/schemas", s.settingsSchemas)
	for _, scope := range []settings.Scope{settings.System, settings.User} {
		r.GET("/api/settings/"+string(scope)+"/:module", s.getSettings(scope))
		r.PUT("/api/settings/"+string(scope)+"/:module", s.putSettings(scope))
	}
}

// settingsSchemas lists every settings schema to anyone signed in.
func (s *server) settingsSchemas(c *gin.Context) {
	if p, ok := application.PrincipalFrom(c.Request.Context()); !ok || p.Kind == application.Anonymous {
		s.fail(c, domain.Errorf(domain.KindUnauthenticated, "unauthenticated", "sign in or send an API token to read the settings schemas"))
		return
	}
	s.writeJSON(c, http.StatusOK, "application/json", gin.H{"schemas": s.cfg.Settings.Schemas()})
}

func (s *server) getSettings(scope settings.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		doc, err := s.cfg.Settings.Get(c.Request.Context(), scope, c.Param("module"))
		s.answerSettings(c, doc, err)
	}
}

func (s *server) putSettings(scope settings.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		body, ok := s.readBody(c)
		if !ok {
			return
		}
		doc, err := s.cfg.Settings.Put(c.Request.Context(), scope, c.Param("module"), body)
		s.answerSettings(c, doc, err)
	}
}

func (s *server) answerSettings(c *gin.Context, doc settings.Document, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("ETag", `"`+strconv.FormatUint(doc.Version, 10)+`"`)
	s.writeJSON(c, http.StatusOK, "application/json", doc)
}
