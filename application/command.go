package application

import (
	"context"
	"reflect"
)

// Result is what a handled command answers: the stream it wrote, the
// stream version and global position after the append, and the ids of the
// events appended (none when the command changed nothing).
type Result struct {
	Stream   string   `json:"stream"`
	Version  uint64   `json:"version"`
	Position uint64   `json:"position"`
	Events   []string `json:"events"`
}

// CommandHandler handles one command type. It is called only with a
// command that passed schema validation and authorisation.
type CommandHandler[C any] func(ctx context.Context, cmd C) (Result, error)

// CommandInfo describes a registered command.
type CommandInfo struct {
	// Name is "{module}.{Command}".
	Name string
	// Type is the Go type the JSON body decodes into.
	Type reflect.Type
	// Permission is the permission an actor needs to send it.
	Permission string
}

// SchemaValidator checks a command's raw JSON against the JSON Schema
// generated from its Go type. Add is called once per command at
// registration, Remove when the module's registration is rolled back;
// Validate fails with a domain.KindInvalid error whose
// Fields point at the offending JSON locations.
type SchemaValidator interface {
	Add(name string, goType reflect.Type) error
	Remove(name string)
	Validate(name string, body []byte) error
}
