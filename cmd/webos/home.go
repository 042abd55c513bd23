package main

import (
	"net/http"

	"github.com/webos-engine/webos/ui"
)

// homePage fills the page at / from the modules as they stand now. A
// failed module's cause names Go types, files or a driver's text, so the
// page points at the log, where the cause was written when it failed.
func (e *engine) homePage(*http.Request) ui.Page {
	p := ui.Page{Version: engineVersion()}
	for _, m := range e.app.Modules() {
		if m.Error != "" {
			m.Error = "the cause is in the server log"
		}
		p.Modules = append(p.Modules, ui.Module{
			Name: m.Name, Version: m.Version, Status: m.Status, Error: m.Error,
			Commands: m.Commands, Views: m.Views,
		})
	}
	return p
}
