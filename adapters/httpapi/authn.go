package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Session cookie and CSRF header names.
const (
	SessionCookie = "webos_session"
	CSRFHeader    = "X-CSRF-Token"
)

// sessionKey is where authenticate leaves the request's session, if any.
const sessionKey = "webos.session"

// csrfExempt are the routes that start a session: they need none, and a
// stale cookie must not stop a user signing in again. A cross-site post
// to them is still refused by sameOrigin.
var csrfExempt = map[string]bool{"/api/auth/login": true, "/api/auth/setup": true}

// authenticate establishes the request's principal: from an
// Authorization: Bearer token, else from the session cookie, else the
// anonymous one. The principal is the only source of the actor of the
// events the request appends. A state-changing request authenticated by
// its cookie must carry the session's CSRF token in X-CSRF-Token: a
// cookie is sent by the browser whoever made the page, the token only
// by the engine's own pages. Without Config.Auth every request is
// anonymous.
func (s *server) authenticate(c *gin.Context) {
	p := application.AnonymousPrincipal()
	ctx := c.Request.Context()
	if a := s.cfg.Auth; a != nil {
		if h := c.Request.Header.Get("Authorization"); h != "" {
			scheme, token, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				s.problem(c, http.StatusUnauthorized, "invalid_token", "send the API token as Authorization: Bearer <token>", nil)
				return
			}
			bp, err := a.Bearer(ctx, strings.TrimSpace(token))
			if err != nil {
				s.fail(c, err)
				return
			}
			p = bp
		} else if ck, err := c.Request.Cookie(SessionCookie); err == nil && ck.Value != "" {
			ss, err := a.Authenticate(ctx, ck.Value)
			switch {
			case domain.KindOf(err) == domain.KindUnauthenticated:
				s.clearCookie(c)
			case err != nil:
				s.fail(c, err)
				return
			default:
				if changesState(c.Request.Method) && !csrfExempt[c.FullPath()] && !sameSecret(c.GetHeader(CSRFHeader), ss.CSRFToken) {
					s.problem(c, http.StatusForbidden, "csrf_token_missing",
						"a request signed in by cookie must send the session's CSRF token in "+CSRFHeader, nil)
					return
				}
				p = ss.Principal
				c.Set(sessionKey, ss)
			}
		}
	}
	c.Request = c.Request.WithContext(application.WithPrincipal(ctx, p))
	c.Next()
}

func sameSecret(got, want string) bool { return got != "" && subtleEqual(got, want) }

// setCookie hands the browser the session id: HttpOnly so no script
// reads it, SameSite=Lax so other sites' posts do not carry it, Secure
// when the request came over TLS.
func (s *server) setCookie(c *gin.Context, ss auth.Session) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: ss.ID, Path: "/", HttpOnly: true,
		Secure: c.Request.TLS != nil, SameSite: http.SameSiteLaxMode})
}

func (s *server) clearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: c.Request.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// session returns the request's session, or answers 401.
func (s *server) session(c *gin.Context) (auth.Session, bool) {
	if v, ok := c.Get(sessionKey); ok {
		return v.(auth.Session), true
	}
	s.fail(c, domain.Errorf(domain.KindUnauthenticated, "unauthenticated", "sign in first"))
	return auth.Session{}, false
}

// authorize answers the Authorizer's refusal of permission on resource
// and reports whether the request may go on.
func (s *server) authorize(c *gin.Context, permission, resource string) bool {
	if _, err := s.cfg.App.Authorize(c.Request.Context(), permission, resource); err != nil {
		s.fail(c, err)
		return false
	}
	return true
}

// failLogin answers a refused login: a throttled one with 429 and
// Retry-After.
func (s *server) failLogin(c *gin.Context, err error) {
	var tma *auth.TooManyAttempts
	if errors.As(err, &tma) {
		c.Header("Retry-After", retryAfter(tma))
		s.problem(c, http.StatusTooManyRequests, "too_many_attempts", "too many failed sign-ins; wait before trying again", nil)
		return
	}
	s.fail(c, err)
}
