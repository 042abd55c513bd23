package application

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"

	"github.com/webos-engine/webos/domain"
)

// Manifest describes a module.
type Manifest struct {
	// Name is the module's unique lower-case name; it prefixes every
	// command, event and view it registers ("warehouse.ReceiveStock").
	Name string `json:"name"`
	// Version is the module's semantic version.
	Version string `json:"version"`
	// Dependencies name the modules that must be running before this one.
	Dependencies []string `json:"dependencies"`
	// Permissions are the permissions the module defines, each named
	// "{module}.{what}". Every command and view of the module must need
	// one of them (commands one that is not ReadOnly, views a ReadOnly
	// one), or the module fails to load.
	Permissions []Permission `json:"permissions"`
	// Shared marks a module whose records are the same in every tenant
	// (identity: users belong to several tenants). Its streams are not
	// scoped by tenant and its projections' handlers see every tenant's
	// documents, writing each for its tenant with InTenant; its views are
	// filtered by tenant like any other. Every other module's aggregates,
	// documents and view queries are its tenant's alone, without the
	// module doing anything (see docs/tenants.md).
	Shared bool `json:"shared,omitempty"`
	// Core marks a module the engine itself runs on (identity, settings,
	// sagas): it cannot be disabled.
	Core bool `json:"core,omitempty"`
}

// Module is a plug-in business module. Register adds everything the module
// brings through the Registrar; if it returns an error (or panics) nothing
// it registered is kept, the module is reported as failed and the others
// start.
type Module interface {
	Manifest() Manifest
	Register(r *Registrar) error
}

// Registrar collects one module's registrations. They take effect only
// when Register returns nil and none of them clashes with what is already
// running.
type Registrar struct {
	app         *App
	manifest    Manifest
	repo        *Repository
	commands    []*commandEntry
	events      []stagedEvent
	upcasters   []stagedUpcaster
	projections []*Projection
	views       []View
	services    []stagedService

	processManagers []ProcessManager
	jobTypes        []JobType
	owners          StreamOwnerFunc
}

type stagedService struct {
	typ     reflect.Type
	provide func(*Services) error
}

type stagedEvent struct {
	name     string
	version  int
	register func(*domain.EventRegistry) error
}

type stagedUpcaster struct {
	event string
	from  int
	up    domain.Upcaster
}

// Module returns the name of the module registering.
func (r *Registrar) Module() string { return r.manifest.Name }

// Repository returns the module's aggregate repository. It reads any
// stream but appends only to the module's own, whose ids start with
// "{module}."; an append elsewhere fails with ErrStreamNotOwned.
func (r *Registrar) Repository() *Repository {
	if r.repo == nil {
		r.repo = r.app.moduleRepository(r.manifest)
	}
	return r.repo
}

// Services returns the registry of services provided by modules that
// started before this one (its dependencies).
func (r *Registrar) Services() *Services { return r.app.services }

// RegisterCommand adds the command "{module}.{name}" with Go type C (its
// JSON Schema is generated from C) and its handler. permission is what an
// actor needs to send it.
func RegisterCommand[C any](r *Registrar, name, permission string, h CommandHandler[C]) {
	r.commands = append(r.commands, &commandEntry{
		info: CommandInfo{Name: r.manifest.Name + "." + name, Type: reflect.TypeFor[C](), Permission: permission},
		decode: func(body []byte) (any, error) {
			var cmd C
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			err := dec.Decode(&cmd)
			return cmd, err
		},
		handle: func(ctx context.Context, cmd any) (Result, error) { return h(ctx, cmd.(C)) },
	})
}

// RegisterEvent adds event type E at its current schema version. Its type
// name must start with "{module}.". An event above version 1 needs an
// upcaster from every older version (RegisterUpcaster).
func RegisterEvent[E domain.Event](r *Registrar, schemaVersion int) {
	var zero E
	r.events = append(r.events, stagedEvent{name: zero.EventType(), version: schemaVersion, register: func(reg *domain.EventRegistry) error {
		return domain.RegisterEvent[E](reg, schemaVersion)
	}})
}

// RegisterUpcaster adds the step that turns the stored JSON of event E at
// schema version from into version from+1. Upcasting happens on read only:
// stored events, and so their hash chain, never change.
func RegisterUpcaster[E domain.Event](r *Registrar, from int, up domain.Upcaster) {
	var zero E
	r.upcasters = append(r.upcasters, stagedUpcaster{event: zero.EventType(), from: from, up: up})
}

// Projection adds a projection; its name must start with "{module}.".
// The projection of a module not Shared writes each tenant's documents
// under the tenant's own keys (see Projection.Apply); a Shared module's
// says which tenant each document is for (InTenant).
func (r *Registrar) Projection(p *Projection) {
	if r.manifest.Shared {
		p.share()
	}
	r.projections = append(r.projections, p)
}

// View adds the view "{module}.{name}". Its queries see the documents
// of the principal's tenant only.
func (r *Registrar) View(name string, v View) {
	v.Name = r.manifest.Name + "." + name
	r.views = append(r.views, v)
}

// ProvideService offers impl to other modules as the T (an interface from
// this module's contract package).
func ProvideService[T any](r *Registrar, impl T) {
	r.services = append(r.services, stagedService{typ: reflect.TypeFor[T](), provide: func(s *Services) error { return Provide[T](s, impl) }})
}
