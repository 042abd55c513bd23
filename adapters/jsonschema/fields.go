package jsonschema

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/webos-engine/webos/domain"
)

var printer = message.NewPrinter(language.English)

// fieldErrors flattens the tree of a validation error into one FieldError
// per leaf, sorted so the same body always yields the same list (the
// validator walks object properties in map order).
func fieldErrors(ve *sjs.ValidationError) []domain.FieldError {
	var out []domain.FieldError
	var walk func(*sjs.ValidationError)
	walk = func(e *sjs.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, leaf(e)...)
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	slices.SortFunc(out, func(a, b domain.FieldError) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Detail, b.Detail))
	})
	return slices.Compact(out)
}

// leaf converts one failed keyword. Missing and additional properties
// point at the property itself, not at the object holding it, so a form
// can mark the right input.
func leaf(e *sjs.ValidationError) []domain.FieldError {
	at := domain.Pointer(e.InstanceLocation...)
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		return each(at, k.Missing, "is required")
	case *kind.AdditionalProperties:
		return each(at, k.Properties, "is not allowed")
	}
	return []domain.FieldError{{Pointer: at, Detail: detail(e.ErrorKind)}}
}

func each(at string, props []string, msg string) []domain.FieldError {
	out := make([]domain.FieldError, len(props))
	for i, p := range props {
		out[i] = domain.FieldError{Pointer: at + domain.Pointer(p), Detail: msg}
	}
	return out
}

// detail words the common failures for the people filling in a form; the
// library's own text, meant for schema authors, covers the rest.
func detail(k sjs.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return fmt.Sprintf("must be %s, not %s", strings.Join(k.Want, " or "), k.Got)
	case *kind.Minimum:
		return "must be at least " + k.Want.RatString()
	case *kind.Maximum:
		return "must be at most " + k.Want.RatString()
	case *kind.ExclusiveMinimum:
		return "must be more than " + k.Want.RatString()
	case *kind.ExclusiveMaximum:
		return "must be less than " + k.Want.RatString()
	case *kind.MinLength:
		return fmt.Sprintf("must be at least %s long", count(k.Want, "character"))
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %s long", count(k.Want, "character"))
	case *kind.Pattern:
		return "must match the pattern " + k.Want
	case *kind.Format:
		return "must be a valid " + k.Want
	case *kind.MinItems:
		return "must have at least " + count(k.Want, "item")
	case *kind.MaxItems:
		return "must have at most " + count(k.Want, "item")
	}
	return k.LocalizedString(printer)
}

// count says "1 item" or "2 items".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
