package kurrentdb

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/kurrent-io/KurrentDB-Client-Go/kurrentdb"
)

// DefaultNamespace is the namespace of a URL that names none.
const DefaultNamespace = "webos"

// namespacePattern keeps namespaces apart: none can be a prefix of
// another's stream names, since ':' and '-' separate the parts.
var namespacePattern = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// parseURL splits a kurrentdb:// (or esdb://, kdb://, kurrent://, with
// +discover) connection string into the client configuration and the
// store's namespace, taken from the namespace query parameter.
func parseURL(raw string) (*kurrentdb.Configuration, string, error) {
	base, query, _ := strings.Cut(raw, "?")
	values, err := url.ParseQuery(query)
	if err != nil {
		return nil, "", fmt.Errorf("kurrentdb URL %s: bad query: %w", Redact(raw), err)
	}
	ns := DefaultNamespace
	if v, ok := values["namespace"]; ok {
		ns = v[0]
		values.Del("namespace")
	}
	if !namespacePattern.MatchString(ns) {
		return nil, "", fmt.Errorf("kurrentdb URL %s: namespace %q must be 1 to 64 letters, digits or underscores", Redact(raw), ns)
	}
	if q := values.Encode(); q != "" {
		base += "?" + q
	}
	cfg, err := kurrentdb.ParseConnectionString(base)
	if err != nil {
		// The client's parse errors quote the URL, password included.
		msg := strings.ReplaceAll(err.Error(), base, Redact(base))
		return nil, "", fmt.Errorf("kurrentdb URL %s: %s", Redact(raw), msg)
	}
	return cfg, ns, nil
}

// Redact hides the password of a connection string, for messages.
func Redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return raw
	}
	if user, _, hasPass := strings.Cut(userinfo, ":"); hasPass {
		return scheme + "://" + user + ":xxxxx@" + host
	}
	return raw
}
