package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/readmodeltest"
	"github.com/webos-engine/webos/application"
)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "readmodels.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	readmodeltest.Run(t, func(t *testing.T) application.ReadModelStore { return open(t) })
}
