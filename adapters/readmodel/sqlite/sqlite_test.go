package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/webos-engine/webos/adapters/readmodel/readmodeltest"
	"github.com/webos-engine/webos/application"
)

// open returns a store in a fresh file, closed when the test ends.
func open(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "readmodels.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	readmodeltest.Run(t, readmodeltest.Capabilities{Transactions: true}, func(t *testing.T) application.ReadModelStore { return open(t) })
}
