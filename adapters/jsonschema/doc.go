// Package jsonschema generates JSON Schemas (draft 2020-12) from Go types
// and validates command bodies against them.
//
// Generate turns a command, event or settings type into a self-contained
// schema (no $ref, so the shell's form generator and external tools can use
// each file on its own). Validator implements application.SchemaValidator:
// it compiles the generated schema once per command and reports every
// failure as a domain.FieldError pointing at the offending JSON location.
// WriteDir keeps the committed schemas/ folder in step with the code.
package jsonschema
