package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"sync"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// DefaultTenant keys the system settings of a principal without a tenant
// and of Go code inside the engine.
const DefaultTenant = "default"

// Secret states shown in place of a secret value.
const (
	SecretSet    = "set"
	SecretNotSet = "not set"
)

// sectionModule is the name of a module with settings: a permission's
// first segment (its settings need "{module}.settings.read"), without the
// '-' that ends it in the stream ids.
var sectionModule = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Service keeps the settings. Build it with New, load its Module into the
// App, then Register the sections.
type Service struct {
	app       *application.App
	keys      *Keyring
	validator application.SchemaValidator
	generate  func(reflect.Type) ([]byte, error)
	repo      *application.Repository

	mu       sync.RWMutex
	sections map[Scope]map[string]*section
	rules    map[string][]Rule
	watchers map[string][]func(Document)

	// fireMu orders the watcher calls; fired is the last version of each
	// system settings stream they were told of, so a change made here
	// and read again from the feed (Follow) is told once, and never
	// after a newer one.
	fireMu sync.Mutex
	fired  map[string]uint64
}

// New returns the service of app: it seals secrets with keys, validates
// with validator and generates schemas with generate (the adapters'
// jsonschema.Validator and jsonschema.Generate).
func New(app *application.App, keys *Keyring, validator application.SchemaValidator, generate func(reflect.Type) ([]byte, error)) *Service {
	return &Service{app: app, keys: keys, validator: validator, generate: generate,
		sections: map[Scope]map[string]*section{System: {}, User: {}},
		rules:    map[string][]Rule{}, watchers: map[string][]func(Document){}, fired: map[string]uint64{}}
}

// Module is the application module the service appends through.
func (s *Service) Module() application.Module { return &Module{svc: s} }

// Register adds the settings struct of module in scope (a struct value or
// pointer; fields tagged `secret:"true"` are sealed). Registering a
// module twice replaces its section.
func (s *Service) Register(scope Scope, module string, prototype any) error {
	t := reflect.TypeOf(prototype)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return fmt.Errorf("settings: %s settings of %s must be a struct", scope, module)
	}
	if !sectionModule.MatchString(module) {
		return fmt.Errorf("settings: module name %q: expected a lower-case letter, then letters, digits or '_' (the stream ids separate it from the owner by '-')", module)
	}
	if _, ok := s.sections[scope]; !ok {
		return fmt.Errorf("settings: unknown scope %q", scope)
	}
	sec := &section{scope: scope, module: module, typ: t}
	var err error
	if sec.secrets, err = secretPaths(t, nil); err != nil {
		return err
	}
	if sec.schema, err = s.generate(t); err != nil {
		return err
	}
	var parsed map[string]any
	if err := json.Unmarshal(sec.schema, &parsed); err != nil {
		return err
	}
	sec.defaults = schemaDefaults(parsed)
	if err := s.validator.Add(sec.name(), t); err != nil {
		return err
	}
	s.mu.Lock()
	s.sections[scope][module] = sec
	s.mu.Unlock()
	return nil
}

// RegisterModules registers the sections of every module that is a
// Provider.
func (s *Service) RegisterModules(modules []application.Module) error {
	var errs []error
	for _, m := range modules {
		p, ok := m.(Provider)
		if !ok {
			continue
		}
		name := m.Manifest().Name
		secs := p.Settings()
		if secs.System != nil {
			errs = append(errs, s.Register(System, name, secs.System))
		}
		if secs.User != nil {
			errs = append(errs, s.Register(User, name, secs.User))
		}
	}
	return errors.Join(errs...)
}

// Schemas lists every section, sorted by module and scope.
func (s *Service) Schemas() []SchemaInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []SchemaInfo
	for _, byModule := range s.sections {
		for _, sec := range byModule {
			info := SchemaInfo{Module: sec.module, Scope: sec.scope, Schema: sec.schema, Secrets: []string{}}
			for _, p := range sec.secrets {
				info.Secrets = append(info.Secrets, pointerOf(p))
			}
			out = append(out, info)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Module != out[j].Module {
			return out[i].Module < out[j].Module
		}
		return out[i].Scope < out[j].Scope
	})
	return out
}

// Document is the settings of one module for one tenant or user, as the
// API shows them: every value with the defaults filled in, secrets left
// out of Values and shown in Secrets as "set" or "not set".
type Document struct {
	Module  string            `json:"module"`
	Scope   Scope             `json:"scope"`
	Owner   string            `json:"owner"`
	Version uint64            `json:"version"`
	Values  map[string]any    `json:"values"`
	Secrets map[string]string `json:"secrets"`
}

// Get returns the settings of module in scope for the principal in ctx
// (its tenant for system settings, its user for user settings), after
// checking it may read them.
func (s *Service) Get(ctx context.Context, scope Scope, module string) (Document, error) {
	sec, owner, err := s.access(ctx, scope, module, "read")
	if err != nil {
		return Document{}, err
	}
	agg := newStored(scope, module, owner)
	if err := s.repo.Load(ctx, agg); err != nil {
		return Document{}, err
	}
	if err := s.checkSecrets(sec, agg.values); err != nil {
		return Document{}, err
	}
	return s.document(sec, owner, agg.Version(), agg.values), nil
}

// Put applies patch, a JSON merge patch (RFC 7386), to the settings of
// module in scope: members given replace, nested objects merge, null
// resets a field to its default. A secret field takes a new value,
// null clears it, and leaving it out keeps it. The result must match the
// section's schema, else nothing is written and the error lists every
// failing field by JSON pointer.
func (s *Service) Put(ctx context.Context, scope Scope, module string, patch []byte) (Document, error) {
	sec, owner, err := s.access(ctx, scope, module, "manage")
	if err != nil {
		return Document{}, err
	}
	strict, err := application.StrictObject(patch)
	if err != nil {
		return Document{}, err
	}
	var p document
	if err := decode(strict, &p); err != nil {
		return Document{}, domain.Invalid("the body is not valid JSON")
	}
	var out Document
	h := application.AggregateHandler(s.repo, application.MayExist,
		func(struct{}) *stored { return newStored(scope, module, owner) },
		func(_ context.Context, agg *stored, _ struct{}) error {
			next, err := s.change(sec, owner, agg, p)
			if err == nil {
				out = s.document(sec, owner, agg.Version()+1, next)
			}
			return err
		})
	release := s.keys.Hold() // a rotation waits until the new ciphertexts are stored
	res, err := h(ctx, struct{}{})
	release()
	if err != nil {
		return Document{}, err
	}
	out.Version = res.Version
	s.changed(sec, out)
	return out, nil
}

// change decides one Put on the loaded document: it validates the
// result, seals the new secrets and raises Changed (nothing when the
// patch changes nothing).
func (s *Service) change(sec *section, owner string, agg *stored, patch document) (document, error) {
	if err := s.checkSecrets(sec, agg.values); err != nil {
		return nil, err
	}
	patch = clone(patch)
	secretsIn := map[int]any{}
	for i, path := range sec.secrets {
		if v, ok := lookup(patch, path); ok {
			secretsIn[i] = v
			remove(patch, path)
		}
	}
	next := merge(clone(agg.values), patch)
	// Validate the effective document, new secrets in plaintext and
	// kept ones left out (secret fields are never required).
	check := merge(clone(sec.defaults), clone(next))
	for i, path := range sec.secrets {
		remove(check, path)
		if v, ok := secretsIn[i]; ok && v != nil {
			put(check, path, v)
		}
	}
	body, _ := json.Marshal(check)
	if err := s.validator.Validate(sec.name(), body); err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Kind == domain.KindInvalid {
			return nil, domain.Invalid("the settings do not match their schema", de.Fields...)
		}
		return nil, err
	}
	if fields := s.failing(sec, s.effective(sec, next)); len(fields) > 0 {
		return nil, domain.Invalid("the settings do not match their schema", fields...)
	}
	old := s.effective(sec, agg.values)
	changes := diff(old, s.effective(sec, next))
	for i, path := range sec.secrets {
		v, given := secretsIn[i]
		prev, had := lookup(agg.values, path)
		switch {
		case given && v == nil:
			remove(next, path)
		case given:
			plain, _ := json.Marshal(v)
			sealed, err := s.keys.Seal(plain, sec.name()+pointerOf(path))
			if err != nil {
				return nil, err
			}
			put(next, path, sealed)
		case had:
			put(next, path, prev)
		default:
			remove(next, path)
		}
		if given && (v != nil || had) {
			changes = append(changes, Change{Field: pointerOf(path), Secret: true})
		}
	}
	if len(changes) == 0 {
		return next, nil
	}
	domain.Raise(agg, Changed{Scope: sec.scope, Module: sec.module, Owner: owner, Values: next, Changes: changes})
	return next, nil
}

// checkSecrets opens every stored secret, so a wrong master key fails
// loudly before anything is shown or written.
func (s *Service) checkSecrets(sec *section, values document) error {
	for _, path := range sec.secrets {
		v, ok := lookup(values, path)
		if !ok {
			continue
		}
		sealed, _ := v.(string)
		if _, err := s.keys.Open(sealed, sec.name()+pointerOf(path)); err != nil {
			return err
		}
	}
	return nil
}

// Secret returns the plaintext JSON of the secret field at pointer in the
// system settings of module for tenant, for Go code that uses it (the
// mailer); ok is false when it is not set. It is never shown by the API.
func (s *Service) Secret(ctx context.Context, module, tenant, pointer string) (plain []byte, ok bool, err error) {
	sec, err := s.section(System, module)
	if err != nil {
		return nil, false, err
	}
	agg := newStored(System, module, tenant)
	if err := s.repo.Load(ctx, agg); err != nil {
		return nil, false, err
	}
	for _, path := range sec.secrets {
		if pointerOf(path) != pointer {
			continue
		}
		v, there := lookup(agg.values, path)
		if !there {
			return nil, false, nil
		}
		sealed, _ := v.(string)
		plain, err := s.keys.Open(sealed, sec.name()+pointer)
		return plain, err == nil, err
	}
	return nil, false, fmt.Errorf("settings: %s has no secret field %s", module, pointer)
}

// effective is values over the defaults, secrets left out.
func (s *Service) effective(sec *section, values document) document {
	out := merge(clone(sec.defaults), clone(values))
	for _, path := range sec.secrets {
		remove(out, path)
	}
	return out
}

// document shows values as the API does.
func (s *Service) document(sec *section, owner string, version uint64, values document) Document {
	d := Document{Module: sec.module, Scope: sec.scope, Owner: owner, Version: version,
		Values: s.effective(sec, values), Secrets: map[string]string{}}
	for _, path := range sec.secrets {
		state := SecretNotSet
		if _, ok := lookup(values, path); ok {
			state = SecretSet
		}
		d.Secrets[pointerOf(path)] = state
	}
	return d
}

// section returns the registered section or a not-found error.
func (s *Service) section(scope Scope, module string) (*section, error) {
	s.mu.RLock()
	sec, ok := s.sections[scope][module]
	s.mu.RUnlock()
	if !ok {
		return nil, domain.Errorf(domain.KindNotFound, "not_found", "module %q has no %s settings", module, scope)
	}
	return sec, nil
}

// access finds the section and the owner of the document the principal
// in ctx uses, and checks it may (read or manage): system settings need
// "{module}.settings.{what}", user settings a signed-in user.
func (s *Service) access(ctx context.Context, scope Scope, module, what string) (*section, string, error) {
	sec, err := s.section(scope, module)
	if err != nil {
		return nil, "", err
	}
	p, hasPrincipal := application.PrincipalFrom(ctx)
	if scope == System {
		if _, err := s.app.Authorize(ctx, module+".settings."+what, "settings:system/"+module); err != nil {
			return nil, "", err
		}
		if hasPrincipal && p.Tenant != "" {
			return sec, p.Tenant, nil
		}
		return sec, DefaultTenant, nil
	}
	if !hasPrincipal || p.UserID == "" {
		if hasPrincipal && p.Kind == application.Anonymous {
			return nil, "", domain.Errorf(domain.KindUnauthenticated, "unauthenticated", "sign in to use your settings")
		}
		return nil, "", domain.Errorf(domain.KindForbidden, "forbidden", "only a user has user settings")
	}
	// A token scoped to some permissions, or an enrol-only session
	// (scoped to none), reaches user settings only through its scope.
	if perm := (application.Permission{Name: module + ".settings.user"}); p.Scope != nil &&
		!slices.ContainsFunc(p.Scope, func(g string) bool { return application.GrantCovers(g, perm) }) {
		return nil, "", domain.Errorf(domain.KindForbidden, "forbidden", "your token's scope does not include %s, needed for your %s settings", perm.Name, module)
	}
	return sec, p.UserID, nil
}
