package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
)

// systemStatus is the answer of /api/modules: which modules run (or why
// not) and how far each projection lags behind the event store.
type systemStatus struct {
	Modules     []application.ModuleStatus `json:"modules"`
	Projections []projections.Status       `json:"projections"`
}

// modules handles GET /api/modules.
func (s *server) modules(c *gin.Context) {
	st := systemStatus{Modules: s.cfg.App.Modules(), Projections: []projections.Status{}}
	if st.Modules == nil {
		st.Modules = []application.ModuleStatus{}
	}
	if s.cfg.Projections != nil {
		if p := s.cfg.Projections(c.Request.Context()); p != nil {
			st.Projections = p
		}
	}
	s.writeJSON(c, http.StatusOK, "application/json", st)
}

// health is the body of a successful health or readiness check.
type health struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}

// healthz handles GET /healthz: the process is up and serving HTTP. It
// checks nothing else, so a slow database cannot get the process killed.
func (s *server) healthz(c *gin.Context) {
	s.writeJSON(c, http.StatusOK, "application/json", health{Status: "ok", Version: s.cfg.Version})
}

// readyz handles GET /readyz: whether Config.Ready says the service can
// take traffic. The reason it cannot is logged, not shown, as it may name
// internal hosts or paths.
func (s *server) readyz(c *gin.Context) {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(c.Request.Context()); err != nil {
			s.log(c, slog.LevelWarn, "not ready", slog.Any("error", err))
			s.problem(c, http.StatusServiceUnavailable, "not_ready", "the service is not ready to take traffic", nil)
			return
		}
	}
	s.writeJSON(c, http.StatusOK, "application/json", health{Status: "ready", Version: s.cfg.Version})
}
