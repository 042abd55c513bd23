package httpapi

import (
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// loopbackHosts are the names a local engine answers to when its
// composition root names none (Config.AllowedHosts is nil).
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// hostPolicy is the set of Host header values the API answers. It stops
// DNS rebinding: a page on evil.example whose name is re-pointed at
// 127.0.0.1 reaches the engine with "Host: evil.example", which is in no
// list. Entries are "name" (any port) or "name:port"; "*" allows all.
type hostPolicy struct {
	any   bool
	names map[string]bool // "name" and "name:port", lower case
}

func newHostPolicy(allowed []string) hostPolicy {
	if allowed == nil {
		allowed = loopbackHosts
	}
	p := hostPolicy{names: map[string]bool{}}
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "*" {
			p.any = true
		}
		if host, port, err := net.SplitHostPort(a); err == nil {
			p.names[host+":"+port] = true
		} else if a != "" {
			p.names[strings.Trim(a, "[]")] = true
		}
	}
	return p
}

// allows tells whether a Host header value is in the policy. A Host
// without a port means port 80, the only default of plain HTTP.
func (p hostPolicy) allows(hostHeader string) bool {
	if p.any {
		return true
	}
	h := strings.ToLower(hostHeader)
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		host, port = strings.Trim(h, "[]"), "80"
	}
	host = strings.TrimSuffix(host, ".")
	return host != "" && (p.names[host] || p.names[host+":"+port])
}

// checkHost answers a request whose Host is not allowed with 421
// Misdirected Request: the request reached a server that does not serve
// that name, which is what a rebound DNS name is.
func (s *server) checkHost(c *gin.Context) {
	if s.hosts.allows(c.Request.Host) {
		c.Next()
		return
	}
	s.problem(c, http.StatusMisdirectedRequest, "unknown_host",
		"this server does not answer to the host name in the request; see --allowed-hosts", nil)
}

// sameOrigin refuses state-changing requests a browser sends on behalf of
// another site (Sec-Fetch-Site, or an Origin that differs from Host), so
// a web page cannot post commands with the user's network position.
// Requests without those headers come from non-browser clients and pass.
func (s *server) sameOrigin(c *gin.Context) {
	if err := s.origins.Check(c.Request); err != nil {
		s.problem(c, http.StatusForbidden, "cross_origin",
			"state-changing requests from another site are refused", nil)
		return
	}
	c.Next()
}
