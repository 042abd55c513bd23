package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestSettingsAnswerByWhoAsks(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	sc, scsrf := s.login("settler")
	ac, acsrf := s.login("auditor")
	nc, ncsrf := s.login("none")
	body := `{"smtp":{"host":"mail.example.com"}}`
	cases := []struct {
		who, method, path string
		headers           []string
		status            int
		code              string
	}{
		{"anonymous", "GET", "/api/settings/schemas", nil, 401, "unauthenticated"},
		{"anonymous", "GET", "/api/settings/system/system", nil, 401, "unauthenticated"},
		{"anonymous", "PUT", "/api/settings/system/system", nil, 401, "unauthenticated"},
		{"anonymous", "GET", "/api/settings/user/system", nil, 401, "unauthenticated"},
		{"anonymous", "PUT", "/api/settings/user/system", nil, 401, "unauthenticated"},
		{"none", "GET", "/api/settings/schemas", []string{"Cookie", nc}, 200, ""},
		{"none", "GET", "/api/settings/system/system", []string{"Cookie", nc}, 403, "forbidden"},
		{"none", "PUT", "/api/settings/system/system", []string{"Cookie", nc, "X-CSRF-Token", ncsrf}, 403, "forbidden"},
		{"none", "GET", "/api/settings/user/system", []string{"Cookie", nc}, 200, ""},
		{"auditor", "GET", "/api/settings/system/system", []string{"Cookie", ac}, 200, ""},
		{"auditor", "PUT", "/api/settings/system/system", []string{"Cookie", ac, "X-CSRF-Token", acsrf}, 403, "forbidden"},
		{"settler", "PUT", "/api/settings/system/system", []string{"Cookie", sc}, 403, ""}, // no CSRF token
		{"settler", "PUT", "/api/settings/system/system", []string{"Cookie", sc, "X-CSRF-Token", scsrf}, 200, ""},
		{"settler", "GET", "/api/settings/system/system", []string{"Cookie", sc}, 200, ""},
		{"settler", "GET", "/api/settings/system/nosuch", []string{"Cookie", sc}, 404, "not_found"},
		{"settler", "GET", "/api/settings/tenant/system", []string{"Cookie", sc}, 404, "unknown_route"},
	}
	for _, c := range cases {
		b := ""
		if c.method == "PUT" {
			b = body
		}
		res, out := s.call(c.method, c.path, b, c.headers...)
		if res.StatusCode != c.status || (c.code != "" && out["code"] != c.code) {
			t.Errorf("%s %s %s: %d %v, want %d %s", c.who, c.method, c.path, res.StatusCode, out, c.status, c.code)
		}
	}
	res, out := s.call("GET", "/api/settings/system/system", "", "Cookie", ac)
	values, _ := out["values"].(map[string]any)
	smtp, _ := values["smtp"].(map[string]any)
	if res.Header.Get("ETag") != `"1"` || smtp["host"] != "mail.example.com" || smtp["port"] != float64(587) {
		t.Fatalf("the auditor reads %v (ETag %s)", out, res.Header.Get("ETag"))
	}
}

func TestSettingsValidationNamesTheFields(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	sc, scsrf := s.login("settler")
	auth := []string{"Cookie", sc, "X-CSRF-Token", scsrf}
	cases := []struct {
		path, body string
		pointers   []string
	}{
		{"/api/settings/system/system", `{"smtp":{"port":0,"password":7},"modules":[]}`, []string{"/modules", "/smtp/password", "/smtp/port"}},
		{"/api/settings/user/system", `{"theme":"pink","notifications":{"email":"yes"}}`, []string{"/notifications/email", "/theme"}},
		{"/api/settings/user/system", `{"theme":"dark","theme":"light"}`, []string{"/theme"}},
		{"/api/settings/user/system", `[1]`, []string{""}},
	}
	for _, c := range cases {
		res, out := s.call("PUT", c.path, c.body, auth...)
		if res.StatusCode != http.StatusBadRequest || out["code"] != "invalid" {
			t.Errorf("%s: %d %v", c.body, res.StatusCode, out)
			continue
		}
		var got []string
		fields, _ := out["errors"].([]any)
		for _, f := range fields {
			got = append(got, f.(map[string]any)["pointer"].(string))
		}
		if strings.Join(got, " ") != strings.Join(c.pointers, " ") {
			t.Errorf("%s: pointers %q, want %q", c.body, got, c.pointers)
		}
	}
	if v, _ := s.events.StreamVersion(t.Context(), "settings.system-system-default"); v != 0 {
		t.Fatalf("refused changes wrote %d events", v)
	}
	res, out := s.call("PUT", "/api/settings/user/system", `{"theme":"dark"}`, auth...)
	if res.StatusCode != http.StatusOK || out["values"].(map[string]any)["theme"] != "dark" || out["owner"] != "settler" {
		t.Fatalf("user settings: %d %v", res.StatusCode, out)
	}
}
