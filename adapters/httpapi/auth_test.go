package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/auth"
	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/jsonschema"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/adapters/testkit"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/settings"
)

// authServer is the API with authentication and role-based
// authorisation over the stock module and the Settings service, and five
// users: a writer (stock.*), a reader (stock.read), one with no
// permission, a settler (system.settings.*) and an auditor (every
// read-only permission).
type authServer struct {
	t      *testing.T
	url    string
	events *memory.Store
	acc    *testkit.Accounts
	svc    *auth.Service
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newAuthServer(t *testing.T) *authServer {
	t.Helper()
	var ids atomic.Int64
	events, models := memory.New(), rmmemory.New()
	// As the projection declares it: with the engine's tenant field.
	if err := models.Declare(context.Background(), application.NewProjection("stock.items", itemsSpec).Collections()[0]); err != nil {
		t.Fatal(err)
	}
	app := application.New(application.Deps{
		Events: events, ReadModels: models, Validator: jsonschema.NewValidator(), Authorizer: application.Roles{},
		NewID: func() string { return fmt.Sprintf("ev-%d", ids.Add(1)) }, Logger: quiet,
	})
	keys, err := settings.NewKeyring([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	sets := settings.New(app, keys, jsonschema.NewValidator(), jsonschema.Generate)
	app.Load(stockModule{}, sets.Module())
	if err := sets.RegisterCore(); err != nil {
		t.Fatal(err)
	}
	st, err := auth.OpenStore(filepath.Join(t.TempDir(), "auth.db"), keys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	acc := testkit.NewAccounts(time.Now)
	svc := auth.New(auth.Config{Accounts: acc, Store: st, Params: auth.Params{Memory: 1024, Time: 1, Threads: 1}, Logger: quiet,
		Throttle: auth.Throttle{Free: 2, Base: time.Minute, Max: time.Hour}})
	for _, u := range []struct{ id, email, grant string }{
		{"writer", "w@example.com", "stock.*"}, {"reader", "r@example.com", "stock.read"}, {"none", "n@example.com", ""},
		{"settler", "s@example.com", "system.settings.*"}, {"auditor", "a@example.com", application.ReadPermissions},
	} {
		acc.Add(u.id, u.email, u.grant)
		if err := svc.SetPassword(context.Background(), u.id, "password "+u.id); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{App: app, Events: events, Auth: svc, Settings: sets, Logger: quiet, AllowedHosts: []string{"*"}}))
	t.Cleanup(srv.Close)
	return &authServer{t: t, url: srv.URL, events: events, acc: acc, svc: svc}
}

// reply is what a test reads of an answer, its body already closed.
type reply struct {
	StatusCode int
	Header     http.Header
	cookies    []*http.Cookie
}

// Cookies are the cookies the answer set.
func (r reply) Cookies() []*http.Cookie { return r.cookies }

// call sends a request with headers (name, value pairs) and decodes a JSON
// answer.
func (s *authServer) call(method, path, body string, headers ...string) (reply, map[string]any) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return reply{StatusCode: res.StatusCode, Header: res.Header, cookies: res.Cookies()}, out
}

// login signs in and returns the session cookie and CSRF token.
func (s *authServer) login(user string, headers ...string) (cookie, csrf string) {
	s.t.Helper()
	res, out := s.call("POST", "/api/auth/login", fmt.Sprintf(`{"email":%q,"password":"password %s"}`, user[:1]+"@example.com", user), headers...)
	if res.StatusCode != http.StatusOK {
		s.t.Fatalf("login %s: %d %v", user, res.StatusCode, out)
	}
	for _, c := range res.Cookies() {
		if c.Name == httpapi.SessionCookie {
			return httpapi.SessionCookie + "=" + c.Value, out["csrfToken"].(string)
		}
	}
	s.t.Fatalf("login set no session cookie: %v", res.Header)
	return "", ""
}

func wantStatus(t *testing.T, what string, res reply, out map[string]any, status int, code string) {
	t.Helper()
	if res.StatusCode != status || (code != "" && out["code"] != code) {
		t.Fatalf("%s: %d %v, want %d %s", what, res.StatusCode, out, status, code)
	}
}

const createBody = `{"item":"A1"}`

func TestTheSessionCookie(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	res, _ := s.call("POST", "/api/auth/login", `{"email":"w@example.com","password":"password writer"}`)
	ck := res.Cookies()[0]
	if ck.Name != httpapi.SessionCookie || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" || len(ck.Value) < 40 {
		t.Fatalf("cookie: %+v", ck)
	}
	// Signing in again, with the old cookie, gives a new id and ends the
	// old session: a planted id never becomes a signed-in one.
	old := httpapi.SessionCookie + "=" + ck.Value
	fresh, _ := s.login("writer", "Cookie", old)
	if fresh == old {
		t.Fatal("the session id did not change at login")
	}
	res, out := s.call("GET", "/api/auth/session", "", "Cookie", old)
	wantStatus(t, "the old session after a new login", res, out, http.StatusUnauthorized, "unauthenticated")
	res, out = s.call("GET", "/api/auth/session", "", "Cookie", fresh)
	wantStatus(t, "the new session", res, out, http.StatusOK, "")
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	cookie, csrf := s.login("writer")
	res, out := s.call("POST", "/api/commands/stock.Create", createBody, "Cookie", cookie)
	wantStatus(t, "a cookie POST without the CSRF token", res, out, http.StatusForbidden, "csrf_token_missing")
	res, out = s.call("POST", "/api/commands/stock.Create", createBody, "Cookie", cookie, "X-CSRF-Token", csrf+"x")
	wantStatus(t, "a cookie POST with a wrong CSRF token", res, out, http.StatusForbidden, "csrf_token_missing")
	if n, _ := s.events.Head(context.Background()); n != 0 {
		t.Fatalf("a refused request appended %d events", n)
	}
	res, out = s.call("POST", "/api/commands/stock.Create", createBody, "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "a cookie POST with the CSRF token", res, out, http.StatusOK, "")
	res, out = s.call("POST", "/api/auth/logout", "", "Cookie", cookie)
	wantStatus(t, "logout without the CSRF token", res, out, http.StatusForbidden, "csrf_token_missing")
	// The actor is the session's user, whatever the request says.
	evs, _ := s.events.ReadAll(context.Background(), 0, 10)
	if len(evs) != 1 || evs[0].Actor != "writer" {
		t.Fatalf("events: %+v", evs)
	}
}

func TestAnswersByWhoAsks(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	wc, wcsrf := s.login("writer")
	rc, rcsrf := s.login("reader")
	nc, ncsrf := s.login("none")
	res, out := s.call("POST", "/api/commands/stock.Create", createBody, "Cookie", wc, "X-CSRF-Token", wcsrf)
	wantStatus(t, "writer creates", res, out, http.StatusOK, "")
	cases := []struct {
		who, method, path string
		headers           []string
		status            int
	}{
		{"anonymous", "POST", "/api/commands/stock.Create", nil, 401},
		{"anonymous", "GET", "/api/views/stock.items", nil, 401},
		{"anonymous", "GET", "/api/streams/stock.item-A1", nil, 401},
		{"anonymous", "GET", "/api/modules", nil, 401},
		{"anonymous", "GET", "/api/auth/session", nil, 401},
		{"anonymous", "GET", "/healthz", nil, 200},
		{"none", "POST", "/api/commands/stock.Create", []string{"Cookie", nc, "X-CSRF-Token", ncsrf}, 403},
		{"none", "GET", "/api/views/stock.items", []string{"Cookie", nc}, 403},
		{"none", "GET", "/api/streams/stock.item-A1", []string{"Cookie", nc}, 403},
		{"none", "GET", "/api/modules", []string{"Cookie", nc}, 403},
		{"reader", "POST", "/api/commands/stock.Receive", []string{"Cookie", rc, "X-CSRF-Token", rcsrf}, 403},
		{"reader", "GET", "/api/views/stock.items", []string{"Cookie", rc}, 200},
		{"writer", "GET", "/api/views/stock.items", []string{"Cookie", wc}, 200},
		{"bad scheme", "GET", "/api/views/stock.items", []string{"Authorization", "Basic dTpw"}, 401},
		{"bad token", "GET", "/api/views/stock.items", []string{"Authorization", "Bearer webos_x_y"}, 401},
	}
	for _, c := range cases {
		body := ""
		if c.method == "POST" {
			body = `{"item":"A1","qty":1}`
			if strings.HasSuffix(c.path, "Create") {
				body = createBody
			}
		}
		res, out := s.call(c.method, c.path, body, c.headers...)
		if res.StatusCode != c.status {
			t.Errorf("%s %s %s: %d %v, want %d", c.who, c.method, c.path, res.StatusCode, out, c.status)
		}
	}
}

func TestLogoutDisablingAndRevocationTakeEffectAtOnce(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	view := "/api/views/stock.items"
	cookie, csrf := s.login("writer")
	res, out := s.call("POST", "/api/auth/logout", "", "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "logout", res, out, http.StatusNoContent, "")
	res, out = s.call("GET", view, "", "Cookie", cookie)
	wantStatus(t, "the request after logout", res, out, http.StatusUnauthorized, "unauthenticated")

	cookie, csrf = s.login("writer")
	res, out = s.call("POST", "/api/auth/tokens", `{"name":"ci","permissions":["stock.read"],"expiresIn":"1h"}`, "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "issue a token", res, out, http.StatusCreated, "")
	token, id := out["token"].(string), out["id"].(string)
	if strings.Contains(fmt.Sprint(out), "secretHash") {
		t.Fatalf("the token answer shows its hash: %v", out)
	}
	bearer := []string{"Authorization", "Bearer " + token}
	res, out = s.call("GET", view, "", bearer...)
	wantStatus(t, "the token reads", res, out, http.StatusOK, "")
	res, out = s.call("POST", "/api/commands/stock.Create", createBody, bearer...)
	wantStatus(t, "the token is scoped to stock.read", res, out, http.StatusForbidden, "forbidden")
	res, out = s.call("POST", "/api/auth/tokens", `{"name":"more"}`, bearer...)
	wantStatus(t, "a token cannot mint tokens", res, out, http.StatusUnauthorized, "unauthenticated")
	res, out = s.call("GET", "/api/auth/tokens", "", "Cookie", cookie)
	if items, _ := out["items"].([]any); res.StatusCode != http.StatusOK || len(items) != 1 || items[0].(map[string]any)["lastUsed"] == nil {
		t.Fatalf("list tokens: %d %v", res.StatusCode, out)
	}
	res, out = s.call("DELETE", "/api/auth/tokens/"+id, "", "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "revoke", res, out, http.StatusNoContent, "")
	res, out = s.call("GET", view, "", bearer...)
	wantStatus(t, "the request after revocation", res, out, http.StatusUnauthorized, "invalid_token")

	res, out = s.call("POST", "/api/auth/tokens", `{"name":"ci2"}`, "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "issue a token", res, out, http.StatusCreated, "")
	bearer = []string{"Authorization", "Bearer " + out["token"].(string)}
	s.acc.Change("writer", func(a *application.Account) { a.Active, a.SessionsNotBefore = false, time.Now() })
	res, out = s.call("GET", view, "", "Cookie", cookie)
	wantStatus(t, "the session after disabling", res, out, http.StatusUnauthorized, "unauthenticated")
	res, out = s.call("GET", view, "", bearer...)
	wantStatus(t, "the token after disabling", res, out, http.StatusUnauthorized, "invalid_token")
}

func TestLoginOverHTTP(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	res, out := s.call("POST", "/api/auth/login", `{"email":"w@example.com","password":"password writer","role":"admin"}`)
	wantStatus(t, "a login naming a role", res, out, http.StatusBadRequest, "invalid")
	if errs := out["errors"].([]any); errs[0].(map[string]any)["pointer"] != "/role" {
		t.Fatalf("the refusal does not point at /role: %v", out)
	}
	for i := range 3 {
		res, out = s.call("POST", "/api/auth/login", `{"email":"w@example.com","password":"nope"}`)
		wantStatus(t, fmt.Sprint("wrong password ", i), res, out, http.StatusUnauthorized, "invalid_credentials")
	}
	res, out = s.call("POST", "/api/auth/login", `{"email":"w@example.com","password":"password writer"}`)
	wantStatus(t, "the right password after three failures", res, out, http.StatusTooManyRequests, "too_many_attempts")
	if res.Header.Get("Retry-After") != "60" {
		t.Fatalf("Retry-After %q, want 60", res.Header.Get("Retry-After"))
	}
	res, out = s.call("POST", "/api/auth/login", `{"email":"ghost@example.com","password":"x"}`)
	wantStatus(t, "another email from the throttled address", res, out, http.StatusTooManyRequests, "too_many_attempts")
}

func TestMassAssignmentIsRefused(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	cookie, csrf := s.login("writer")
	for _, field := range []string{"actor", "tenant", "owner", "id", "role"} {
		res, out := s.call("POST", "/api/commands/stock.Create", `{"item":"M1","`+field+`":"x"}`, "Cookie", cookie, "X-CSRF-Token", csrf)
		wantStatus(t, "a command with "+field, res, out, http.StatusBadRequest, "invalid")
		if !strings.Contains(fmt.Sprint(out["errors"]), "/"+field) {
			t.Errorf("the refusal of %s does not point at it: %v", field, out)
		}
	}
}

func TestTOTPRoutes(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	res, out := s.call("POST", "/api/auth/login", `{"email":"w@example.com","password":"password writer","totp":""}`)
	wantStatus(t, "a login with an empty totp for a user without TOTP", res, out, http.StatusOK, "")
	cookie, csrf := s.login("writer")
	res, out = s.call("POST", "/api/auth/totp/enrol", "", "Authorization", "Bearer webos_x_y")
	wantStatus(t, "enrol with a token", res, out, http.StatusUnauthorized, "")
	res, out = s.call("POST", "/api/auth/totp/enrol", "", "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "enrol", res, out, http.StatusOK, "")
	if url, _ := out["otpauthUrl"].(string); !strings.HasPrefix(url, "otpauth://totp/") || out["secret"] == "" {
		t.Fatalf("enrolment: %v", out)
	}
	res, out = s.call("POST", "/api/auth/totp/confirm", `{"code":"000000"}`, "Cookie", cookie, "X-CSRF-Token", csrf)
	if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusOK {
		t.Fatalf("confirm with a made-up code: %d %v", res.StatusCode, out)
	}
	res, out = s.call("POST", "/api/auth/totp/disable", `{"code":"000000"}`, "Cookie", cookie, "X-CSRF-Token", csrf)
	if res.StatusCode == http.StatusNoContent || res.StatusCode >= 500 {
		t.Fatalf("disable with a made-up code: %d %v", res.StatusCode, out)
	}
}

// A session that may only enrol two-factor authentication cannot mint an
// API token: the token would carry the user's permissions without the
// second factor their role requires.
func TestAnEnrolOnlySessionCannotMintTokens(t *testing.T) {
	t.Parallel()
	s := newAuthServer(t)
	s.acc.Change("writer", func(a *application.Account) { a.TOTPRequired = true })
	cookie, csrf := s.login("writer")
	res, out := s.call("POST", "/api/auth/tokens", `{"name":"bypass"}`, "Cookie", cookie, "X-CSRF-Token", csrf)
	wantStatus(t, "an enrol-only session issuing a token", res, out, http.StatusForbidden, "forbidden")
	res, out = s.call("GET", "/api/auth/tokens", "", "Cookie", cookie)
	wantStatus(t, "an enrol-only session listing tokens", res, out, http.StatusForbidden, "forbidden")
}
