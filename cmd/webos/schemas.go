package main

import (
	"context"
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
// DIR/commands, of every event to DIR/events and of every job type's
// input to DIR/jobs.
func writeSchemas(_ context.Context, fs *flag.FlagSet, args []string, out streams) error {
	dir := fs.String("out", "schemas", "`DIR` to write into")
	rest, err := parse(fs, args, out)
	if err != nil {
		return err
	}
	if err := unexpected(rest); err != nil {
		return err
	}
	app, _, _ := newApp(memory.New(), rmmemory.New(), nil, logging.New(io.Discard, 0))
	commands := map[string]reflect.Type{}
	for _, c := range app.Commands() {
		commands[c.Name] = c.Type
	}
	if err := jsonschema.WriteDir(filepath.Join(*dir, "commands"), commands); err != nil {
		return err
	}
	events := app.Events().Types()
	if err := jsonschema.WriteDir(filepath.Join(*dir, "events"), events); err != nil {
		return err
	}
	inputs := map[string]reflect.Type{}
	for _, jt := range app.JobTypes() {
		inputs[jt.JobTypeName()] = jt.JobInput()
	}
	if err := jsonschema.WriteDir(filepath.Join(*dir, "jobs"), inputs); err != nil {
		return err
	}
	fmt.Fprintf(out.stdout, "wrote %d command, %d event and %d job input schemas to %s\n", len(commands), len(events), len(inputs), *dir)
	return nil
}
