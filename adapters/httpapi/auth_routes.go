package httpapi

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// maxAuthBody bounds the small JSON bodies of the auth endpoints.
const maxAuthBody = 64 << 10

// signedIn is the answer to a login, a setup and GET /api/auth/session:
// who is signed in and the CSRF token to send with state-changing
// requests.
type signedIn struct {
	Principal application.Principal `json:"principal"`
	CSRFToken string                `json:"csrfToken,omitempty"`
	// TOTPEnrolmentRequired: a role requires TOTP and the user has none;
	// the session may only enrol (POST /api/auth/totp/enrol).
	TOTPEnrolmentRequired bool `json:"totpEnrolmentRequired,omitempty"`
}

func (s *server) authRoutes(r *gin.Engine) {
	r.POST("/api/auth/login", s.login)
	r.POST("/api/auth/logout", s.logout)
	r.GET("/api/auth/session", s.sessionInfo)
	r.POST("/api/auth/tenant", s.switchTenant)
	r.POST("/api/auth/setup", s.setup)
	r.GET("/api/auth/tokens", s.listTokens)
	r.POST("/api/auth/tokens", s.issueToken)
	r.DELETE("/api/auth/tokens/:id", s.revokeToken)
	r.POST("/api/auth/totp/enrol", s.enrolTOTP)
	r.POST("/api/auth/totp/confirm", s.confirmTOTP)
	r.POST("/api/auth/totp/disable", s.disableTOTP)
}

// login handles POST /api/auth/login {email, password}: a new session
// (a new id, whatever cookie came in) or one answer for every failure.
func (s *server) login(c *gin.Context) {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		// TOTP is a current code or a recovery code, for users with TOTP.
		TOTP string `json:"totp"`
	}
	if !s.readJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	// A session the request came with ends: a planted cookie never
	// turns into a signed-in session.
	if ck, err := c.Request.Cookie(SessionCookie); err == nil && ck.Value != "" {
		if err := s.cfg.Auth.Logout(ctx, ck.Value); err != nil {
			s.fail(c, err)
			return
		}
	}
	ss, err := s.cfg.Auth.Login(ctx, in.Email, in.Password, in.TOTP, clientAddr(c.Request))
	if err != nil {
		s.failLogin(c, err)
		return
	}
	s.signIn(c, ss)
}

func (s *server) signIn(c *gin.Context, ss auth.Session) {
	s.setCookie(c, ss)
	s.writeJSON(c, http.StatusOK, "application/json", signedIn{Principal: ss.Principal, CSRFToken: ss.CSRFToken, TOTPEnrolmentRequired: ss.EnrolOnly})
}

// logout handles POST /api/auth/logout: the session ends on the server,
// so the cookie is worthless even if kept.
func (s *server) logout(c *gin.Context) {
	ss, ok := s.session(c)
	if !ok {
		return
	}
	if err := s.cfg.Auth.Logout(c.Request.Context(), ss.ID); err != nil {
		s.fail(c, err)
		return
	}
	s.clearCookie(c)
	c.Status(http.StatusNoContent)
	c.Abort()
}

// sessionInfo handles GET /api/auth/session: the principal of the
// request (session or token) and, for a session, its CSRF token.
func (s *server) sessionInfo(c *gin.Context) {
	p, _ := application.PrincipalFrom(c.Request.Context())
	if p.Kind == application.Anonymous {
		s.fail(c, domain.Errorf(domain.KindUnauthenticated, "unauthenticated", "sign in first"))
		return
	}
	out := signedIn{Principal: p}
	if v, ok := c.Get(sessionKey); ok {
		ss := v.(auth.Session)
		out.CSRFToken, out.TOTPEnrolmentRequired = ss.CSRFToken, ss.EnrolOnly
	}
	s.writeJSON(c, http.StatusOK, "application/json", out)
}

// switchTenant handles POST /api/auth/tenant {tenant}: the session works
// in tenant from now on (the user must be a member of it; any other is
// 404 unknown_tenant). It answers like GET /api/auth/session. A token
// keeps the tenant it was issued in.
func (s *server) switchTenant(c *gin.Context) {
	var in struct {
		Tenant string `json:"tenant"`
	}
	if !s.readJSON(c, &in) {
		return
	}
	ss, ok := s.session(c)
	if !ok {
		return
	}
	ss, err := s.cfg.Auth.SwitchTenant(c.Request.Context(), ss.ID, in.Tenant)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, "application/json", signedIn{Principal: ss.Principal, CSRFToken: ss.CSRFToken, TOTPEnrolmentRequired: ss.EnrolOnly})
}

// setup handles POST /api/auth/setup {token, password, email?,
// displayName?}: a one-time setup link sets a password and signs in.
func (s *server) setup(c *gin.Context) {
	var in struct {
		Token string `json:"token"`
		auth.Setup
	}
	if !s.readJSON(c, &in) {
		return
	}
	ss, err := s.cfg.Auth.UseSetupLink(c.Request.Context(), in.Token, in.Setup)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.signIn(c, ss)
}

// tokenOwner is the user whose tokens a request manages: only a person
// signed in with a full session, so a leaked token cannot mint others and
// a session that may only enrol two-factor authentication cannot mint a
// token that would skip it.
func (s *server) tokenOwner(c *gin.Context) (string, bool) {
	ss, ok := s.session(c)
	if !ok {
		return "", false
	}
	if ss.EnrolOnly {
		s.fail(c, domain.Errorf(domain.KindForbidden, "forbidden",
			"a role of yours requires two-factor authentication: enrol it before managing API tokens"))
		return "", false
	}
	return ss.Principal.UserID, true
}

func (s *server) listTokens(c *gin.Context) {
	user, ok := s.tokenOwner(c)
	if !ok {
		return
	}
	ts, err := s.cfg.Auth.Tokens(c.Request.Context(), user)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, "application/json", gin.H{"items": ts})
}

// issueToken handles POST /api/auth/tokens {name, permissions,
// expiresIn}: the answer holds the token, shown this once.
func (s *server) issueToken(c *gin.Context) {
	user, ok := s.tokenOwner(c)
	if !ok {
		return
	}
	var in struct {
		Name        string   `json:"name"`
		Permissions []string `json:"permissions"`
		ExpiresIn   string   `json:"expiresIn"`
	}
	if !s.readJSON(c, &in) {
		return
	}
	life, err := time.ParseDuration(in.ExpiresIn)
	if in.ExpiresIn == "" {
		life, err = 30*24*time.Hour, nil
	}
	if err != nil {
		s.fail(c, domain.Invalid("expiresIn is not a duration", domain.FieldError{Pointer: "/expiresIn", Detail: "expected a duration such as 720h"}))
		return
	}
	t, err := s.cfg.Auth.IssueToken(c.Request.Context(), user, in.Name, in.Permissions, life)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.writeJSON(c, http.StatusCreated, "application/json", t)
}

func (s *server) revokeToken(c *gin.Context) {
	user, ok := s.tokenOwner(c)
	if !ok {
		return
	}
	if err := s.cfg.Auth.RevokeToken(c.Request.Context(), user, c.Param("id")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
	c.Abort()
}

// readJSON decodes the body strictly into v: unknown fields (say an
// "actor" or a "role" a client hopes to set) are refused with a 400
// pointing at them, never ignored.
func (s *server) readJSON(c *gin.Context, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxAuthBody))
	if err != nil {
		s.problem(c, http.StatusBadRequest, "unreadable_body", "the body could not be read", nil)
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		ptr := ""
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			ptr = domain.Pointer(strings.Trim(name, `"`))
		}
		s.fail(c, domain.Invalid("the body does not fit this endpoint", domain.FieldError{Pointer: ptr, Detail: "unexpected or malformed"}))
		return false
	}
	return true
}

// clientAddr is the address login throttling counts per: the peer, not
// a forwarded-for header any client can write.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func retryAfter(e *auth.TooManyAttempts) string {
	return strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds())))
}

func subtleEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
