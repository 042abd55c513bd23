// Package ui is the engine's browser face. Until the web shell exists it
// is one server-rendered page at /: the engine, its version, the running
// modules with their commands and views, and links into the HTTP API, so
// a newcomer who opens http://127.0.0.1:8080 sees where to go next.
//
// It imports the standard library only (the layer rules): cmd/webos
// fills a Page from the application.
package ui

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
)

// Page is what the home page shows.
type Page struct {
	// Version is the engine version, as `webos version` prints it.
	Version string
	// Modules are the loaded modules, failed ones included.
	Modules []Module
	// SignIn is set for a visitor who may not see the modules (they need
	// system.modules.read, like GET /api/modules): the page links to the
	// sign-in page instead.
	SignIn bool
}

// Module is one module's line on the page.
type Module struct {
	Name, Version, Status, Error string
	// Commands and Views are full names: "warehouse.ReceiveStock".
	Commands, Views []string
}

//go:embed home.html
var homeHTML string

//go:embed signin.html
var signinHTML []byte

//go:embed signin.js
var signinJS []byte

var home = template.Must(template.New("home").Parse(homeHTML))

// Home serves the page that page builds for each request, so module
// status is current.
func Home(page func(r *http.Request) Page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var buf bytes.Buffer
		if err := home.Execute(&buf, page(r)); err != nil {
			http.Error(w, "the home page could not be rendered", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		_, _ = buf.WriteTo(w) // the client went away: nothing to do
	})
}

// SignIn serves the sign-in page, which is also where a one-time setup
// link (/setup#secret) leads. Its script comes from /ui/signin.js
// (Script), so the page's policy allows no inline script.
func SignIn() http.Handler {
	return static("text/html; charset=utf-8", signinHTML)
}

// Script serves the sign-in page's script.
func Script() http.Handler {
	return static("text/javascript; charset=utf-8", signinJS)
}

func static(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'")
		w.Header().Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(body) // the client went away: nothing to do
	})
}
