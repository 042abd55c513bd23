package jsonschema

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestWriteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "schemas")
	schemas := map[string]reflect.Type{
		"warehouse.ReceiveStock": reflect.TypeFor[receiveStock](),
		"warehouse.Location":     reflect.TypeFor[location](),
	}
	if err := WriteDir(dir, schemas); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"warehouse.Location.schema.json", "warehouse.ReceiveStock.schema.json"}) {
		t.Fatalf("files = %v", got)
	}
	want, _ := Generate(reflect.TypeFor[receiveStock]())
	got, err := os.ReadFile(filepath.Join(dir, "warehouse.ReceiveStock.schema.json"))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("file content differs from Generate (%v)", err)
	}

	// An unchanged schema is not rewritten; a dropped one is removed, while
	// files that are not schemas stay.
	path := filepath.Join(dir, "warehouse.ReceiveStock.schema.json")
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	delete(schemas, "warehouse.Location")
	if err := WriteDir(dir, schemas); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"README.md", "warehouse.ReceiveStock.schema.json"}) {
		t.Fatalf("files = %v", got)
	}
	if st, err := os.Stat(path); err != nil || !st.ModTime().Equal(old) {
		t.Errorf("unchanged schema was rewritten (%v)", err)
	}
}

func TestWriteDirRefusesBadInput(t *testing.T) {
	for name, typ := range map[string]reflect.Type{
		"../escape": reflect.TypeFor[location](),
		"":          reflect.TypeFor[location](),
		"x.Loop":    reflect.TypeFor[node](),
	} {
		if err := WriteDir(t.TempDir(), map[string]reflect.Type{name: typ}); err == nil {
			t.Errorf("%q: want an error", name)
		}
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
