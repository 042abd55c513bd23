package settings

import (
	"strings"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Changed records one change of a settings document: the envelope's actor
// says who made it, Changes say old → new for every field but the secret
// ones, which are only named. Values is the whole stored document after
// the change, secret fields as ciphertext, so the hash chain covers the
// ciphertext.
type Changed struct {
	Scope  Scope  `json:"scope"`
	Module string `json:"module"`
	// Owner is the tenant of system settings, the user of user settings.
	Owner   string         `json:"owner"`
	Values  map[string]any `json:"values"`
	Changes []Change       `json:"changes"`
}

// EventType names the event.
func (Changed) EventType() string { return "settings.Changed" }

// stored is the aggregate of one settings document: one stream per
// scope, module and owner.
type stored struct {
	domain.Base
	values document
}

func newStored(scope Scope, module, owner string) *stored {
	return &stored{Base: domain.NewBase(streamOf(scope, module, owner)), values: document{}}
}

// streamOf is the id of the stream of one settings document.
func streamOf(scope Scope, module, owner string) string {
	return streamPrefix + string(scope) + "-" + module + "-" + owner
}

// streamPrefix starts the id of every settings stream.
const streamPrefix = "settings."

// streamOwner tells the engine whose a settings stream is, from its id
// alone: "settings.system-{module}-{tenant}" is the tenant's (so each
// tenant reads its own history at GET /api/streams), and
// "settings.user-{module}-{user}" the user's alone, in whichever tenant it
// works. Module names hold no '-' (Register refuses them), so the owner
// is all that follows the module. The ids are the ones every release
// wrote, so existing streams keep their ids and hash chains.
func streamOwner(id string) (application.StreamOwner, bool) {
	rest, _ := strings.CutPrefix(id, streamPrefix)
	scope, rest, _ := strings.Cut(rest, "-")
	_, owner, found := strings.Cut(rest, "-")
	switch {
	case !found || owner == "":
		return application.StreamOwner{}, false
	case Scope(scope) == System && application.ValidTenant(owner):
		return application.StreamOwner{Tenant: owner}, true
	case Scope(scope) == User:
		return application.StreamOwner{User: owner}, true
	}
	return application.StreamOwner{}, false
}

// Apply folds a change into the document.
func (s *stored) Apply(e domain.Event) {
	switch c := e.(type) {
	case Changed:
		s.values = clone(c.Values)
	case Resealed:
		s.values = clone(c.Values)
	}
}

// Module registers the settings events and hands the Service its
// repository; load it before the modules whose settings it keeps.
type Module struct{ svc *Service }

// Manifest describes the settings module.
func (*Module) Manifest() application.Manifest {
	return application.Manifest{Name: "settings", Version: "1.0.0", Shared: true, Core: true}
}

// Register adds the event and takes the module's repository.
func (m *Module) Register(r *application.Registrar) error {
	application.RegisterEvent[Changed](r, 1)
	application.RegisterEvent[Resealed](r, 1)
	r.StreamOwners(streamOwner)
	m.svc.repo = r.Repository()
	return nil
}
