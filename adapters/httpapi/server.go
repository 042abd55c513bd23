// Package httpapi is the engine's HTTP interface: commands, views, event
// streams, module and projection status, and health checks, with every
// error answered as RFC 9457 problem JSON. It hands cmd/webos a plain
// http.Handler, so the http.Server, its timeouts and its graceful shutdown
// stay there; nothing here runs in the background.
package httpapi

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/projections"
	"github.com/webos-engine/webos/settings"
)

// Config is what the HTTP API serves and reports to.
type Config struct {
	// App dispatches commands and answers view queries; required.
	App *application.App
	// Events is read by the streams endpoint; required.
	Events application.EventStore
	// Projections reports projection progress for /api/modules; nil
	// reports none.
	Projections func(ctx context.Context) []projections.Status
	// Bus reports the event bus (forwarder, lag, poison messages) for
	// /api/modules; nil reports none.
	Bus func(ctx context.Context) any
	// AwaitPosition waits until the named projections have applied the
	// event feed up to position, or ctx ends (projections.Runtime.WaitFor).
	// A view query with a minimum position (X-Min-Position or
	// ?minPosition=) calls it; nil answers such queries 503.
	AwaitPosition func(ctx context.Context, projections []string, position uint64) error
	// MinPositionWait bounds that wait; 0 means DefaultMinPositionWait.
	MinPositionWait time.Duration
	// Ready tells /readyz whether the service can take traffic; nil means
	// always ready.
	Ready func(ctx context.Context) error
	// Logger gets one access line per request and every internal error;
	// nil means slog.Default().
	Logger *slog.Logger
	// Version is the engine version reported by /healthz.
	Version string
	// AllowedHosts lists the Host header values answered, as "name" (any
	// port) or "name:port"; "*" turns the check off. Any other Host gets a
	// 421 problem. nil means localhost, 127.0.0.1 and [::1] on any port.
	AllowedHosts []string
	// ProblemBase prefixes a problem's code to form its type URI; empty
	// means DefaultProblemBase, the project's docs/problems.md.
	ProblemBase string
	// NewID makes request ids for requests that bring none; nil means
	// 26-character random strings (crypto/rand.Text).
	NewID func() string
	// Home answers GET / for browsers (the ui package's page); nil
	// leaves / a 404 problem like any unknown path.
	Home http.Handler
	// Auth authenticates sessions and tokens and serves /api/auth; nil
	// makes every request anonymous and leaves /api/auth out.
	Auth *auth.Service
	// SignIn answers GET /login and GET /setup (the page a setup link
	// opens), and Script GET /ui/signin.js; nil leaves them 404.
	SignIn, Script http.Handler
	// Settings, when set, serves /api/settings/... (docs/settings.md).
	Settings *settings.Service
}

// server holds the configuration the route handlers share.
type server struct {
	cfg     Config
	hosts   hostPolicy
	origins *http.CrossOriginProtection
}

// New returns the API's handler. It panics when App or Events is missing:
// that is a wiring mistake in cmd/webos, better found at start-up than on
// the first request.
func New(cfg Config) http.Handler {
	if cfg.App == nil || cfg.Events == nil {
		panic("httpapi: Config.App and Config.Events are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MinPositionWait <= 0 {
		cfg.MinPositionWait = DefaultMinPositionWait
	}
	if cfg.ProblemBase == "" {
		cfg.ProblemBase = DefaultProblemBase
	}
	if cfg.NewID == nil {
		cfg.NewID = rand.Text
	}
	s := &server{cfg: cfg, hosts: newHostPolicy(cfg.AllowedHosts), origins: http.NewCrossOriginProtection()}

	// Release mode silences gin's debug route dump and warnings; our own
	// access log replaces its logger.
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// An API answers a wrong path with a problem, not a redirect.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = true

	r.Use(s.requestMeta, s.traceRequest, s.accessLog, s.recoverPanic, s.checkHost, s.sameOrigin, s.requireJSON, s.authenticate)
	r.NoRoute(func(c *gin.Context) {
		s.problem(c, http.StatusNotFound, "unknown_route", "there is no resource at this path", nil)
	})
	r.NoMethod(func(c *gin.Context) {
		s.problem(c, http.StatusMethodNotAllowed, "method_not_allowed", "this resource does not support "+c.Request.Method, nil)
	})

	r.POST("/api/commands/:name", s.command)
	r.GET("/api/views/:name", s.view)
	r.GET("/api/streams/:id", s.stream)
	r.GET("/api/modules", s.modules)
	if cfg.Auth != nil {
		s.authRoutes(r)
	}
	if cfg.Settings != nil {
		s.settingsRoutes(r)
	}
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	if cfg.Home != nil {
		r.GET("/", gin.WrapH(cfg.Home))
	}
	if cfg.SignIn != nil && cfg.Script != nil {
		r.GET("/login", gin.WrapH(cfg.SignIn))
		r.GET("/setup", gin.WrapH(cfg.SignIn))
		r.GET("/ui/signin.js", gin.WrapH(cfg.Script))
	}
	return r
}
