package bus

import (
	"fmt"
	"net/url"
	"time"
)

// Redacted is u as a backend's name: without the password, so that it can
// be logged and shown in status.
func Redacted(u *url.URL) string {
	c := *u
	if _, ok := c.User.Password(); ok {
		c.User = url.UserPassword(c.User.Username(), "xxxxx")
	}
	c.RawQuery = ""
	return c.String()
}

// DurationParam reads the duration query parameter name of u, def when
// it is absent.
func DurationParam(u *url.URL, name string, def time.Duration) (time.Duration, error) {
	v := u.Query().Get(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: %s=%q is not a positive duration such as 500ms or 30s", Redacted(u), name, v)
	}
	return d, nil
}
