package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"reflect"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	"github.com/webos-engine/webos/adapters/jsonschema"
	"github.com/webos-engine/webos/adapters/logging"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
)

// writeSchemas writes the JSON Schema of every registered command to
// DIR/commands and of every event to DIR/events.
func writeSchemas(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("schemas", flag.ContinueOnError)
	out := fs.String("out", "schemas", "directory to write into")
	if rest, err := parse(fs, args, stderr); err != nil || len(rest) > 0 {
		return errors.Join(err, unexpected(rest))
	}
	app, _ := newApp(memory.New(), rmmemory.New(), nil, logging.New(io.Discard, 0))
	commands := map[string]reflect.Type{}
	for _, c := range app.Commands() {
		commands[c.Name] = c.Type
	}
	if err := jsonschema.WriteDir(filepath.Join(*out, "commands"), commands); err != nil {
		return err
	}
	events := app.Events().Types()
	if err := jsonschema.WriteDir(filepath.Join(*out, "events"), events); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d command and %d event schemas to %s\n", len(commands), len(events), *out)
	return nil
}
