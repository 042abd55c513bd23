package jsonschema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"

	invopop "github.com/invopop/jsonschema"
)

// Generate returns the indented JSON Schema (draft 2020-12) of t: structs
// are closed (additionalProperties false), fields without omitempty are
// required (omitzero counts as omitempty), `jsonschema:"..."` tags add constraints, and integer fields get
// the bounds of their Go type so a value that cannot be decoded fails
// validation with a pointer instead of failing later in json.Unmarshal.
// Recursive types are refused: an inlined schema of one would be infinite.
func Generate(t reflect.Type) ([]byte, error) {
	if t == nil {
		return nil, fmt.Errorf("jsonschema: nil type")
	}
	if err := checkAcyclic(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	r := &invopop.Reflector{
		// Inline every nested type: each file must stand on its own.
		DoNotReference: true,
		Mapper:         integerBounds,
	}
	var s *invopop.Schema
	if err := catchPanic(func() { s = r.ReflectFromType(t) }); err != nil {
		return nil, fmt.Errorf("jsonschema: %s: %w", t, err)
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("jsonschema: %s: %w", t, err)
	}
	return append(out, '\n'), nil
}

// catchPanic turns the reflector's panic on unsupported kinds (chan, func,
// complex) into an error: a bad command type must fail registration, not
// crash the process.
func catchPanic(f func()) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	f()
	return nil
}

// checkAcyclic fails when t refers to itself through fields, elements or
// map values.
func checkAcyclic(t reflect.Type, onPath map[reflect.Type]bool) error {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return checkAcyclic(t.Elem(), onPath)
	case reflect.Struct:
		if onPath[t] {
			return fmt.Errorf("jsonschema: %s is recursive", t)
		}
		onPath[t] = true
		defer delete(onPath, t)
		for i := range t.NumField() {
			if err := checkAcyclic(t.Field(i).Type, onPath); err != nil {
				return err
			}
		}
	}
	return nil
}

// integerBounds gives the predeclared integer types their range. Named
// types are left to the reflector, which may find a JSONSchema method on
// them. int and uint are treated as 64-bit so the files do not depend on
// the machine that generated them.
func integerBounds(t reflect.Type) *invopop.Schema {
	if t.PkgPath() != "" {
		return nil
	}
	var lo, hi string
	switch t.Kind() {
	case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
		bits := t.Bits()
		if t.Kind() == reflect.Int {
			bits = 64
		}
		lo = strconv.FormatInt(math.MinInt64>>(64-bits), 10)
		hi = strconv.FormatInt(math.MaxInt64>>(64-bits), 10)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		bits := t.Bits()
		if t.Kind() == reflect.Uint {
			bits = 64
		}
		lo = "0"
		hi = strconv.FormatUint(math.MaxUint64>>(64-bits), 10)
	default:
		return nil
	}
	return &invopop.Schema{Type: "integer", Minimum: json.Number(lo), Maximum: json.Number(hi)}
}
