package application

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Permission is a right a module defines in its manifest and roles grant.
// Every command and view names the permission it needs.
type Permission struct {
	// Name is "{module}.{what}", such as "warehouse.stock.receive".
	Name string `json:"name"`
	// Description says what the permission lets one do, for role editors.
	Description string `json:"description"`
	// ReadOnly marks a permission that changes nothing: only views and
	// stream reads may need one, and only ReadOnly ones are granted by
	// ReadPermissions (the auditor role). A command may not need one.
	ReadOnly bool `json:"readOnly"`
}

// Permissions of the engine itself, held by no module.
const (
	// PermissionStreamsRead lets one read any event stream
	// (GET /api/streams/{id}).
	PermissionStreamsRead = "system.streams.read"
	// PermissionModulesRead lets one see the modules and projections
	// (GET /api/modules).
	PermissionModulesRead = "system.modules.read"
	// PermissionSettingsManage lets one change the core's system settings
	// (PUT /api/settings/system/system): SMTP, API keys, modules.
	PermissionSettingsManage = "system.settings.manage"
	// PermissionSettingsRead lets one read them, secrets masked.
	PermissionSettingsRead = "system.settings.read"
)

// CorePermissions are the permissions the engine defines itself.
var CorePermissions = []Permission{
	{Name: PermissionStreamsRead, Description: "read any event stream, envelopes and hashes included", ReadOnly: true},
	{Name: PermissionModulesRead, Description: "see the modules, their status and the projections' progress", ReadOnly: true},
	{Name: PermissionSettingsManage, Description: "change the engine's system settings (mail server, API keys, enabled modules)"},
	{Name: PermissionSettingsRead, Description: "read the engine's system settings, secrets shown only as set or not set", ReadOnly: true},
}

var permissionName = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-zA-Z0-9_]*)+$`)

// Permissions lists every permission of the engine and of the running
// modules, sorted by name.
func (a *App) Permissions() []Permission {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]Permission, 0, len(a.permissions))
	for _, p := range a.permissions {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Permission returns the permission called name, if the engine or a
// running module defines it.
func (a *App) Permission(name string) (Permission, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, ok := a.permissions[name]
	return p, ok
}

// checkPermissions demands that the module's manifest declares each
// permission once, inside its namespace, that every command needs a
// declared permission that is not ReadOnly and every view a declared
// ReadOnly one, so an auditor can read everything and change nothing.
func checkPermissions(r *Registrar) []error {
	prefix := r.manifest.Name + "."
	declared := map[string]Permission{}
	var errs []error
	for _, p := range r.manifest.Permissions {
		switch _, dup := declared[p.Name]; {
		case !strings.HasPrefix(p.Name, prefix) || !permissionName.MatchString(p.Name):
			errs = append(errs, fmt.Errorf("permission %q must be \"%s{name}\" in lower-case words joined by dots", p.Name, prefix))
		case dup:
			errs = append(errs, fmt.Errorf("permission %q is declared twice", p.Name))
		}
		declared[p.Name] = p
	}
	need := func(kind, name, perm string, readOnly bool) {
		p, ok := declared[perm]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s %s needs permission %q, which the manifest does not declare", kind, name, perm))
		case p.ReadOnly != readOnly && readOnly:
			errs = append(errs, fmt.Errorf("%s %s needs permission %q, which is not ReadOnly: a view changes nothing", kind, name, perm))
		case p.ReadOnly != readOnly:
			errs = append(errs, fmt.Errorf("%s %s needs permission %q, which is ReadOnly: a command must not be open to readers", kind, name, perm))
		}
	}
	for _, c := range r.commands {
		need("command", c.info.Name, c.info.Permission, false)
	}
	for _, v := range r.views {
		need("view", v.Name, v.Permission, true)
	}
	return errs
}
