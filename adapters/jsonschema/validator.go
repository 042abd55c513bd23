package jsonschema

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"sync"

	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/webos-engine/webos/domain"
)

// Validator implements application.SchemaValidator with schemas compiled
// by santhosh-tekuri/jsonschema. Compilation happens once, in Add; Validate
// only reads, so concurrent requests share a read lock.
type Validator struct {
	mu      sync.RWMutex
	schemas map[string]*sjs.Schema
}

// NewValidator returns an empty Validator.
func NewValidator() *Validator {
	return &Validator{schemas: map[string]*sjs.Schema{}}
}

// Add generates the schema of goType and compiles it under name. Adding a
// name again replaces its schema.
func (v *Validator) Add(name string, goType reflect.Type) error {
	doc, err := Generate(goType)
	if err != nil {
		return err
	}
	sch, err := compile(name, doc)
	if err != nil {
		return fmt.Errorf("jsonschema: compile %s: %w", name, err)
	}
	v.mu.Lock()
	v.schemas[name] = sch
	v.mu.Unlock()
	return nil
}

// Remove forgets the schema added under name, so Validate answers "unknown
// command" for it again.
func (v *Validator) Remove(name string) {
	v.mu.Lock()
	delete(v.schemas, name)
	v.mu.Unlock()
}

// compile compiles one generated schema document on its own compiler, so
// schemas of different commands cannot resolve into each other.
func compile(name string, doc []byte) (*sjs.Schema, error) {
	parsed, err := sjs.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	c := sjs.NewCompiler()
	c.DefaultDraft(sjs.Draft2020)
	// Formats are annotations only in 2020-12; asserting them lets a bad
	// time.Time string fail here, with a pointer, rather than in decoding.
	c.AssertFormat()
	url := "mem:///" + name + ".schema.json"
	if err := c.AddResource(url, parsed); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

// Validate checks body against the schema added under name. A body that
// breaks the schema yields a domain.KindInvalid error listing every failure
// by JSON pointer; an unknown name yields a domain.KindNotFound error.
func (v *Validator) Validate(name string, body []byte) error {
	v.mu.RLock()
	sch, ok := v.schemas[name]
	v.mu.RUnlock()
	if !ok {
		return domain.Errorf(domain.KindNotFound, "unknown_command", "no schema for command %q", name)
	}
	// UnmarshalJSON keeps numbers as json.Number, so 1e30 is compared with
	// a maximum exactly instead of overflowing a float or an int.
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		// The parser's text is for programmers; the cause rides along
		// for the log.
		return &domain.Error{Kind: domain.KindInvalid, Code: "invalid", Message: "the body is not valid JSON",
			Fields: []domain.FieldError{{Pointer: "", Detail: "is not valid JSON"}}, Err: err}
	}
	err = sch.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *sjs.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("jsonschema: validate %s: %w", name, err)
	}
	return domain.Invalid("the command does not match its schema", fieldErrors(ve)...)
}
