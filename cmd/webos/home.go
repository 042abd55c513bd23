package main

import (
	"net/http"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/ui"
)

// homePage fills the page at / from the modules as they stand now; a
// failed module shows only its Failure, never the cause. A visitor who
// may not read /api/modules sees a sign-in link instead of them.
func (e *engine) homePage(r *http.Request) ui.Page {
	p := ui.Page{Version: engineVersion()}
	if _, err := e.app.Authorize(r.Context(), application.PermissionModulesRead, "modules"); err != nil {
		p.SignIn = true
		return p
	}
	mods, err := e.app.ModulesIn(r.Context())
	if err != nil {
		// The tenant's setting cannot be read (the store fails): the
		// platform's statuses; the module's own requests answer the fault.
		mods = e.app.Modules()
	}
	for _, m := range mods {
		p.Modules = append(p.Modules, ui.Module{
			Name: m.Name, Version: m.Version, Status: m.Status, Error: m.Failure,
			Commands: m.Commands, Views: m.Views,
		})
	}
	return p
}
