package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// The TOTP routes act on the signed-in user of a session (an enrol-only
// one included), never on a token's.

// enrolTOTP handles POST /api/auth/totp/enrol: a new secret and its
// otpauth:// URL for an authenticator app, waiting for confirmation.
func (s *server) enrolTOTP(c *gin.Context) {
	ss, ok := s.session(c)
	if !ok {
		return
	}
	acc, _ := s.cfg.Auth.Accounts().Account(c.Request.Context(), ss.Principal.UserID)
	en, err := s.cfg.Auth.EnrolTOTP(c.Request.Context(), ss.Principal.UserID, acc.Email)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.writeJSON(c, http.StatusOK, "application/json", en)
}

// confirmTOTP handles POST /api/auth/totp/confirm {code}: TOTP is on,
// and the answer holds the recovery codes, shown this once.
func (s *server) confirmTOTP(c *gin.Context) {
	code, ss, ok := s.codeOfSession(c)
	if !ok {
		return
	}
	codes, err := s.cfg.Auth.ConfirmTOTP(c.Request.Context(), ss, code)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.writeJSON(c, http.StatusOK, "application/json", gin.H{"recoveryCodes": codes})
}

// disableTOTP handles POST /api/auth/totp/disable {code}.
func (s *server) disableTOTP(c *gin.Context) {
	code, user, ok := s.codeOfSession(c)
	if !ok {
		return
	}
	if err := s.cfg.Auth.DisableTOTP(c.Request.Context(), user, code); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
	c.Abort()
}

// codeOfSession reads {code} and the session's user.
func (s *server) codeOfSession(c *gin.Context) (code, user string, ok bool) {
	ss, ok := s.session(c)
	if !ok {
		return "", "", false
	}
	var in struct {
		Code string `json:"code"`
	}
	if !s.readJSON(c, &in) {
		return "", "", false
	}
	return in.Code, ss.Principal.UserID, true
}
