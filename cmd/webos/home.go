package main

import (
	"net/http"

	"github.com/webos-engine/webos/ui"
)

// homePage fills the page at / from the modules as they stand now; a
// failed module shows only its Failure, never the cause.
func (e *engine) homePage(*http.Request) ui.Page {
	p := ui.Page{Version: engineVersion()}
	for _, m := range e.app.Modules() {
		p.Modules = append(p.Modules, ui.Module{
			Name: m.Name, Version: m.Version, Status: m.Status, Error: m.Failure,
			Commands: m.Commands, Views: m.Views,
		})
	}
	return p
}
