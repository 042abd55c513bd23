package httpapi

import (
	"errors"
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
	Bus         any                        `json:"bus,omitempty"`
}

// modules handles GET /api/modules, the modules' status as the
// principal's tenant sees them (disabled there or not). A failing
// projection shows a code and a fixed message, a failed module only
// application.ModuleFailed;
// their error text, which may be a driver's, goes to the log under the
// request id.
func (s *server) modules(c *gin.Context) {
	if !s.authorize(c, application.PermissionModulesRead, "modules") {
		return
	}
	mods, err := s.cfg.App.ModulesIn(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	st := systemStatus{Modules: mods, Projections: []projections.Status{}}
	if st.Modules == nil {
		st.Modules = []application.ModuleStatus{}
	}
	if s.cfg.Projections != nil {
		if p := s.cfg.Projections(c.Request.Context()); p != nil {
			st.Projections = p
		}
	}
	if s.cfg.Bus != nil {
		st.Bus = s.cfg.Bus(c.Request.Context())
	}
	for _, m := range st.Modules {
		if m.Error != "" {
			s.log(c, slog.LevelWarn, "module failed", slog.String("module", m.Name), slog.String("error", m.Error))
		}
	}
	for _, p := range st.Projections {
		if p.Error != "" {
			s.log(c, slog.LevelWarn, "projection failing", slog.String("projection", p.Name),
				slog.String("code", p.Code), slog.Uint64("position", p.Position), slog.String("error", p.Error))
		}
	}
	s.writeJSON(c, http.StatusOK, "application/json", st)
}

// NotReady is an error Config.Ready may return to give /readyz a reason
// code (e.g. "event_store_unavailable") instead of the generic
// "not_ready". Err is logged, never shown.
type NotReady struct {
	Reason string
	Err    error
}

func (e *NotReady) Error() string { return e.Reason + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *NotReady) Unwrap() error { return e.Err }

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
// take traffic. Only a reason code is shown; the error is logged, as it
// may name internal hosts or paths or be a driver's text.
func (s *server) readyz(c *gin.Context) {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(c.Request.Context()); err != nil {
			reason := "not_ready"
			var nr *NotReady
			if errors.As(err, &nr) {
				reason = nr.Reason
			}
			s.log(c, slog.LevelWarn, "not ready", slog.String("reason", reason), slog.Any("error", err))
			s.problem(c, http.StatusServiceUnavailable, reason, "the service is not ready to take traffic", nil)
			return
		}
	}
	s.writeJSON(c, http.StatusOK, "application/json", health{Status: "ready", Version: s.cfg.Version})
}
