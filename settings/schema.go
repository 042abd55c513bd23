package settings

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/webos-engine/webos/domain"
)

// Scope says whose settings a section holds.
type Scope string

// Scopes.
const (
	// System settings hold per module and tenant; changing them needs
	// the permission "{module}.settings.manage", reading them
	// "{module}.settings.read".
	System Scope = "system"
	// User settings hold per module and user; each user reads and
	// changes their own.
	User Scope = "user"
)

// Sections are the settings a module brings: the Go structs of its
// system and user settings (nil when it has none of a kind).
type Sections struct {
	System any
	User   any
}

// Provider is a module that has settings; the engine registers them
// when it loads the module.
type Provider interface {
	Settings() Sections
}

// section is one registered settings struct.
type section struct {
	scope    Scope
	module   string
	typ      reflect.Type
	schema   json.RawMessage
	defaults map[string]any
	// secrets are the JSON paths of the fields tagged secret.
	secrets [][]string
}

// name is the section's name in the schema validator.
func (s *section) name() string { return "settings:" + string(s.scope) + "/" + s.module }

// SchemaInfo describes one section for GET /api/settings/schemas.
type SchemaInfo struct {
	Module string          `json:"module"`
	Scope  Scope           `json:"scope"`
	Schema json.RawMessage `json:"schema"`
	// Secrets are the JSON pointers of the secret fields: never
	// returned, only said to be set or not.
	Secrets []string `json:"secrets"`
}

// secretPaths lists the paths of t's fields tagged `secret:"true"`,
// through nested structs. A secret field must be omitempty (or
// omitzero): a change that leaves it out keeps it.
func secretPaths(t reflect.Type, prefix []string) ([][]string, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, nil
	}
	var out [][]string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := append(append([]string(nil), prefix...), name)
		if f.Tag.Get("secret") == "true" {
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				return nil, fmt.Errorf("settings: secret field %s must be omitempty", domain.Pointer(path...))
			}
			out = append(out, path)
			continue
		}
		nested, err := secretPaths(f.Type, path)
		if err != nil {
			return nil, err
		}
		out = append(out, nested...)
	}
	return out, nil
}

// schemaDefaults collects the "default" of every property of a generated
// schema into a document.
func schemaDefaults(schema map[string]any) map[string]any {
	out := map[string]any{}
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		prop, _ := p.(map[string]any)
		if d, ok := prop["default"]; ok {
			out[name] = d
		} else if nested := schemaDefaults(prop); len(nested) > 0 {
			out[name] = nested
		}
	}
	return out
}
