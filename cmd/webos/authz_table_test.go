package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/webos-engine/webos/adapters/httpapi"
	"github.com/webos-engine/webos/adapters/logging"
	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/modules/identity"
)

// TestEveryCommandAndViewIsGuarded is generated from what the engine
// registered, so a new module's commands and views are in it without a
// line of test: each is called anonymously (401), by a user without any
// role (403), by the auditor (403 for commands, 200 for views), and with
// a token scoped to exactly its permission and by an administrator
// (neither 401 nor 403; a command's empty body is then refused by its
// schema, so nothing changes). Streams and /api/modules likewise.
func TestEveryCommandAndViewIsGuarded(t *testing.T) {
	t.Parallel()
	e, err := openEngine(commonFlags{dataDir: t.TempDir()}, logging.New(io.Discard, 8))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.close() })
	ctx := asSystem(context.Background(), "test")
	token := func(email string, roles []string, perms ...string) string {
		t.Helper()
		if _, err := e.createUser(ctx, email, "", roles); err != nil {
			t.Fatal(err)
		}
		acc, _ := e.directory.AccountByEmail(ctx, email)
		it, err := e.auth.IssueToken(ctx, acc.ID, "table", perms, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return it.Secret
	}
	admin := token("admin@t.example", []string{identity.RoleAdmin})
	nobody := token("none@t.example", nil)
	auditor := token("auditor@t.example", []string{identity.RoleAuditor})
	srv := httptest.NewServer(httpapi.New(httpapi.Config{App: e.app, Events: e.events, Auth: e.auth,
		Logger: logging.New(io.Discard, 8), AllowedHosts: []string{"*"}}))
	defer srv.Close()
	call := func(method, path, tok string) int {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res.StatusCode
	}
	type target struct{ method, path, permission string }
	var commands, reads []target
	for _, c := range e.app.Commands() {
		commands = append(commands, target{"POST", "/api/commands/" + c.Name, c.Permission})
	}
	for _, m := range e.app.Modules() {
		for _, v := range m.Views {
			view, err := e.app.View(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			reads = append(reads, target{"GET", "/api/views/" + v, view.Permission})
		}
	}
	reads = append(reads, target{"GET", "/api/streams/" + identity.UserStream(identity.UserID("admin@t.example")), application.PermissionStreamsRead},
		target{"GET", "/api/modules", application.PermissionModulesRead})
	if len(commands) < 10 || len(reads) < 5 {
		t.Fatalf("only %d commands and %d reads registered: the table is broken", len(commands), len(reads))
	}
	past := func(status int) bool { return status != http.StatusUnauthorized && status != http.StatusForbidden }
	for _, c := range append(commands, reads...) {
		read := c.method == "GET"
		scoped := token(fmt.Sprintf("scoped-%d@t.example", time.Now().UnixNano()), []string{identity.RoleAdmin}, c.permission)
		checks := []struct {
			who  string
			tok  string
			want func(int) bool
			says string
		}{
			{"anonymous", "", func(s int) bool { return s == http.StatusUnauthorized }, "401"},
			{"a user without roles", nobody, func(s int) bool { return s == http.StatusForbidden }, "403"},
			{"the auditor", auditor, func(s int) bool { return (read && s == http.StatusOK) || (!read && s == http.StatusForbidden) }, "200 for reads, 403 for commands"},
			{"a token scoped to " + c.permission, scoped, past, "neither 401 nor 403"},
			{"an administrator", admin, past, "neither 401 nor 403"},
		}
		for _, k := range checks {
			if got := call(c.method, c.path, k.tok); !k.want(got) {
				t.Errorf("%s %s by %s: %d, want %s", c.method, c.path, k.who, got, k.says)
			}
		}
	}
	if n, _ := e.events.Head(context.Background()); n == 0 {
		t.Fatal("no events: the users were not created")
	}
}
