package jsonschema

import (
	"cmp"
	"reflect"
	"slices"
	"strings"

	invopop "github.com/invopop/jsonschema"
)

// honourOmitZero makes fields tagged `json:",omitzero"` optional, as
// `omitempty` ones already are: invopop v0.13 predates Go 1.24's omitzero
// and would mark them required, so a command could not leave out a zero
// time.Time. It walks the Go type and the inlined schema side by side.
func honourOmitZero(s *invopop.Schema, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s == nil {
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		honourOmitZero(s.Items, t.Elem())
	case reflect.Map:
		honourOmitZero(s.AdditionalProperties, t.Elem())
	case reflect.Struct:
		// Types with their own schema (time.Time, url.URL) have no
		// properties to visit.
		if s.Properties == nil {
			return
		}
		for i := range t.NumField() {
			structField(s, t.Field(i))
		}
	}
}

func structField(s *invopop.Schema, f reflect.StructField) {
	opts := strings.Split(f.Tag.Get("json"), ",")
	if opts[0] == "-" {
		return
	}
	if f.Anonymous && opts[0] == "" {
		// Embedded structs lend their fields to the parent object.
		honourOmitZero(s, f.Type)
		return
	}
	if !f.IsExported() {
		return
	}
	name := cmp.Or(opts[0], f.Name)
	prop, ok := s.Properties.Get(name)
	if !ok {
		return
	}
	honourOmitZero(prop, f.Type)
	forced := slices.Contains(strings.Split(f.Tag.Get("jsonschema"), ","), "required")
	if slices.Contains(opts[1:], "omitzero") && !forced {
		s.Required = slices.DeleteFunc(s.Required, func(r string) bool { return r == name })
	}
}
