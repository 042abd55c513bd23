package jsonschema

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

const fileSuffix = ".schema.json"

// WriteDir writes <dir>/<name>.schema.json for every entry of schemas and
// deletes the *.schema.json files in dir whose name is no longer there, so
// a removed command does not leave a stale schema behind. Files whose
// content is unchanged are not rewritten, which keeps their mtimes.
func WriteDir(dir string, schemas map[string]reflect.Type) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, t := range schemas {
		if name == "" || strings.ContainsAny(name, `/\`) {
			return fmt.Errorf("jsonschema: invalid schema name %q", name)
		}
		doc, err := Generate(t)
		if err != nil {
			return fmt.Errorf("jsonschema: %s: %w", name, err)
		}
		if err := writeIfChanged(filepath.Join(dir, name+fileSuffix), doc); err != nil {
			return err
		}
	}
	return removeStale(dir, schemas)
}

func writeIfChanged(path string, doc []byte) error {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, doc) {
		return nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.WriteFile(path, doc, 0o644)
}

func removeStale(dir string, schemas map[string]reflect.Type) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), fileSuffix)
		if !ok || e.IsDir() {
			continue
		}
		if _, keep := schemas[name]; keep {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}
